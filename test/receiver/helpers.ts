import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

export interface StreamedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Bytes the client had written when the answer came. */
  bytesSent: number;
}

/**
 * POSTs a body that never ends, chunked (no Content-Length), one chunk per tick until the server
 * answers: a server that buffered until the end would never answer.
 */
export function postEndlessBody(
  server: Server,
  path: string,
  headers: Record<string, string>,
  chunk = Buffer.alloc(16 * 1024, 0x20),
): Promise<StreamedAnswer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            bytesSent,
          });
          req.destroy();
        });
      },
    );
    // Once the server closes the connection, writes fail; that is expected after the answer.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      if (answered || req.destroyed) return;
      bytesSent += chunk.length;
      req.write(chunk, () => setImmediate(pump));
    };
    pump();
  });
}
