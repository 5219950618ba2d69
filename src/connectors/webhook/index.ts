import { defineConnector } from '../../sdk/index.js';
import {
  checkWebhookConnection,
  closeWebhookConnection,
  openWebhookConnection,
  webhookConnectionConfig,
} from './connection.js';
import { eventsSource } from './events-source.js';

export type { WebhookConnection, WebhookConnectionConfig } from './connection.js';

/** Webhooks: events pushed to the Syncline service, checked (HMAC-SHA256, Stripe/Slack timestamped signatures or token), persisted, then read by a flow. */
export const webhookConnector = defineConnector({
  name: 'webhook',
  description: 'Events pushed over HTTP to the Syncline service (webhooks)',
  connection: webhookConnectionConfig,
  open: openWebhookConnection,
  check: checkWebhookConnection,
  close: closeWebhookConnection,
  sources: [eventsSource],
});
