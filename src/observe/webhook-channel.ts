import { actionText, type Clock, type RenderAction, systemClock, timeoutSignal } from '../sdk/index.js';
import { type Channel, ChannelError, safeUrl } from './channel.js';
import { digestToJson } from './error-notice.js';
import type { WebhookChannelConfig } from './notify-config.js';
import { runMessageToJson } from './run-notice.js';

/** How much of a failed answer's body goes into the log. */
export const maxBodyExcerpt = 300;

async function bodyExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim();
    return text.length <= maxBodyExcerpt ? text : `${text.slice(0, maxBodyExcerpt)}…`;
  } catch {
    return '';
  }
}

function causeText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

/** POSTs each digest as JSON (docs/notifications.md); any 2xx answer is success. */
export function createWebhookChannel(
  config: WebhookChannelConfig,
  clock: Clock = systemClock,
  render: RenderAction = actionText,
): Channel {
  const target = safeUrl(config.url);
  const hint = 'check notify.webhook.url and headers, and that the receiver is up and answers 2xx';
  // the time limit covers the answer's body too; it is a timer on the notifier's clock
  const post = async (json: unknown): Promise<void> => {
    const limit = timeoutSignal(clock, config.timeoutMs);
    try {
      await postWithin(json, limit.signal);
    } finally {
      limit.cancel();
    }
  };
  const postWithin = async (json: unknown, signal: AbortSignal): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'syncline-notify', ...config.headers },
        body: JSON.stringify(json),
        signal,
        redirect: 'manual',
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new ChannelError(
        timedOut
          ? `webhook ${target} did not answer within ${config.timeoutMs} ms`
          : `webhook ${target} could not be reached: ${causeText(err)}`,
        {
          channel: 'webhook',
          target,
          hint: timedOut ? `${hint}; or raise notify.webhook.timeoutMs` : hint,
          cause: err,
        },
      );
    }
    if (response.ok) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    const excerpt = await bodyExcerpt(response);
    throw new ChannelError(
      `webhook ${target} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`,
      {
        channel: 'webhook',
        target,
        hint:
          response.status === 401 || response.status === 403
            ? 'the receiver refused the credentials: check notify.webhook.headers (token)'
            : response.status >= 300 && response.status < 400
              ? 'the URL redirects: use the final URL in notify.webhook.url'
              : hint,
      },
    );
  };
  return {
    name: 'webhook',
    send: (digest) => post(digestToJson(digest, render)),
    sendRun: (message) => post(runMessageToJson(message, render)),
  };
}
