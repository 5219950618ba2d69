export { type Channel, ChannelError } from './channel.js';
export { createEmailChannel, emailSubject, emailText } from './email-channel.js';
export { digestToJson, type ErrorDigest, type ErrorDigestJson, type ErrorNotice } from './error-notice.js';
export { channelsFor, createNotifier, type Notifier, type NotifierOptions } from './notifier.js';
export {
  type EmailChannelConfig,
  emailChannelConfigSchema,
  type NotifyConfig,
  type NotifyConfigInput,
  notifyConfigSchema,
  notifyIntervalMs,
  type WebhookChannelConfig,
  webhookChannelConfigSchema,
} from './notify-config.js';
export { type RunEvent, type RunMessage, type RunMessageJson, type RunNotice, runMessageToJson } from './run-notice.js';
export { createWebhookChannel } from './webhook-channel.js';
