/** Serves the HTTP test API with N records for the HTTP benchmark; prints `URL <url>` when ready. */
import { startHttpTestServer } from '../test/emulators/http-test-server.js';

const records = Number(process.argv[2] ?? 200_000);
const server = await startHttpTestServer({ records, log: false });
console.log(`URL ${server.url}`);
process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0));
});
