/**
 * Baseline for the webhook ingest benchmark: the least a durable receiver must do, hand-written —
 * Fastify, an HMAC-SHA256 check, JSON.parse, one better-sqlite3 insert (WAL, synchronous NORMAL),
 * then 202. Prints `URL <url>` when ready. Usage: webhook-baseline-server.js <db file>
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const db = new Database(process.argv[2] ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('create table if not exists events (seq integer primary key, event_id text unique, payload text not null)');
const insert = db.prepare('insert into events (event_id, payload) values (?, ?) on conflict do nothing');
const app = Fastify({ bodyLimit: 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
app.post('/hooks/:flow', async (request, reply) => {
  const body = request.body as Buffer;
  const expected = createHmac('sha256', 'bench-secret').update(body).digest();
  const given = Buffer.from(String(request.headers['x-signature'] ?? ''), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send();
  const payload = JSON.parse(body.toString('utf8'));
  insert.run(String(request.headers['x-event-id'] ?? ''), JSON.stringify(payload));
  return reply.code(202).send({ accepted: true });
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`URL ${address}`);
process.on('SIGTERM', () => {
  app.close().then(() => {
    db.close();
    process.exit(0);
  });
});
