/**
 * An error record's message for one line of `errors list`: the location it starts with is dropped
 * (the flow, stage and record columns say where), so the line shows what is wrong. On a terminal it is
 * cut to the width left (`…`), never to its location; piped, it is whole.
 */
export function listMessage(message: string, width: number | undefined): string {
  const flat = message.replace(/\s+/g, ' ');
  const body = flat.replace(LOCATION, '') || flat;
  if (width === undefined || body.length <= width) return body;
  return `${body.slice(0, Math.max(1, width - 1))}…`;
}

// `flow orders/destination crm (orders.yaml:12:7) record line:4: `, `orders.csv:3: `, `data.json[12]: `, `flow orders: `
const LOCATION =
  /^(?:flow [^\s:/]+(?:\/[a-z]+ [^\s:]+)?(?: \([^)]*\))?(?: record \S+?)?|[^\s:]+:\d+(?::\d+)?|[^\s:]+\[\d+\]): /;
