/**
 * PGlite behind a socket server, in its own process (PGlite loads its WebAssembly with dynamic
 * imports, which jest's module sandbox refuses): a Postgres that `pg` connects to like any other.
 * Prints {"url": "postgresql://..."} once listening.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const db = await PGlite.create();
// Four receiver processes, each with a pool of up to ten connections, plus the tests' own.
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
await server.start();
// Its stdin is a pipe from the test: when the test process ends, however it ends, so does this one.
process.stdin.on('close', () => process.exit(0)).resume();
process.stdout.write(
  `${JSON.stringify({ url: `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable` })}\n`,
);
