import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** Everything received, further responses on the connection included. */
  raw: string;
}

/**
 * Writes `request` as is on a new TCP connection (no HTTP client to tidy up bad framing) and resolves
 * with the response once the server closes the connection; rejects if it is still open after `timeoutMs`.
 * Further writes the server no longer reads may fail; that is ignored, the response is what counts.
 * Given several requests, each is written once the server has answered something to the one before.
 */
export function rawExchange(
  baseUrl: string,
  request: string | Buffer | (string | Buffer)[],
  timeoutMs = 3000,
): Promise<RawResponse> {
  const pending = Array.isArray(request) ? [...request] : [request];
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open; received so far: ${Buffer.concat(chunks)}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const next = pending.shift();
      if (next !== undefined) socket.write(next);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks).toString('latin1')));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(pending.shift()!);
  });
}

function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response: ${JSON.stringify(text)}`);
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine!)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = text.slice(end + 4);
  const length = headers['content-length'];
  return { status, headers, body: length === undefined ? rest : rest.slice(0, Number(length)), raw: text };
}
