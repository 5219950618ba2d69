/**
 * Load generator for the webhook ingest benchmark: `clients` concurrent clients post `events` signed
 * JSON events (keep-alive) to `<url>/hooks/orders`; prints `BENCH {...}` with events/s and latency
 * percentiles. Every answer must be 202: anything else fails the benchmark.
 * Usage: webhook-load.js <url> <events> <clients> <mode>
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

const [url = '', eventsArg = '20000', clientsArg = '50', mode = 'engine'] = process.argv.slice(2);
const events = Number(eventsArg);
const clients = Number(clientsArg);
const WEBHOOK_BENCH_SECRET = 'bench-secret';

function body(i: number): string {
  return JSON.stringify({
    id: i,
    order_number: `SO-${100000 + i}`,
    customer: { email: `buyer${i}@example.com`, name: `Buyer ${i}` },
    total: Math.round(i * 137) / 100,
    currency: 'EUR',
    lines: [{ sku: `SKU-${i % 500}`, qty: 1 + (i % 3), price: 9.99 }],
  });
}

// node:http with a keep-alive agent: a cheaper client than fetch, so the generator is not the bottleneck
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const target = new URL(`${url}/hooks/orders`);

function post(payload: string, i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-signature': createHmac('sha256', WEBHOOK_BENCH_SECRET).update(payload).digest('hex'),
          'x-event-id': `evt-${i}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const latencies = new Float64Array(events);
let next = 0;
let refused = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (next < events) {
      const i = next++;
      const payload = body(i);
      const start = performance.now();
      const status = await post(payload, i);
      latencies[i] = performance.now() - start;
      if (status !== 202) refused += 1;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
if (refused > 0) throw new Error(`${refused} of ${events} events were not accepted with 202`);
const sorted = Array.from(latencies).sort((a, b) => a - b);
const pct = (p: number) =>
  Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(1));
agent.destroy();
console.log(
  `BENCH ${JSON.stringify({ mode, records: events, seconds: Number(seconds.toFixed(2)), recordsPerSec: Math.round(events / seconds), p50Ms: pct(50), p99Ms: pct(99), maxMs: pct(100) })}`,
);
