import type { FlowError, NextAction } from '../sdk/index.js';

/** The HTTP status a refused request gets, by error code. */
export function webhookStatus(error: FlowError): number {
  switch (error.code) {
    case 'WEBHOOK_NOT_FOUND':
      return 404;
    case 'WEBHOOK_UNAUTHORIZED':
    case 'API_UNAUTHORIZED':
      return 401;
    case 'REQUEST_FORBIDDEN':
      return 403;
    case 'WEBHOOK_TOO_LARGE':
    case 'REQUEST_TOO_LARGE':
      return 413;
    case 'WEBHOOK_BAD_PAYLOAD':
      return 400;
    case 'STORE_UNAVAILABLE':
    case 'DB_BUSY':
    case 'TRANSIENT_IO':
      return 503;
    default:
      return 500;
  }
}

/** A next step as the API gives it: the action's data, plus the route of this server that does it, if any. */
export type ApiAction = NextAction & { readonly route?: string };

/** The route of this server that does an action (running a flow); the others are done outside the API. */
function apiAction(action: NextAction): ApiAction {
  if (action.action === 'flows.run' && action.flow !== undefined && !action.fromStart && !action.overrideThreshold) {
    return { ...action, route: `POST /flows/${encodeURIComponent(action.flow)}/runs` };
  }
  return action;
}

/** The JSON body of a refusal: what is wrong and what to do (`next`: the actions as data), never a stack trace or a secret. */
export function errorBody(error: FlowError): {
  error: { code: string; message: string; hint?: string; next?: readonly ApiAction[] };
} {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(error.next === undefined ? {} : { next: error.next.map(apiAction) }),
    },
  };
}
