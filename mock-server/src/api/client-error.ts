/**
 * Answers for requests Node's HTTP parser refuses before any route sees them (bad framing, both
 * Content-Length and Transfer-Encoding, a malformed request line, oversized headers, a request that
 * does not arrive in time): the API's JSON error shape instead of Node's bare status line.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, type ErrorCode } from './errors.js';

type ParserError = Error & { code?: string; reason?: string };

function toApiError(error: ParserError): ApiError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('request_timeout', 'the request was not received in time');
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError('payload_too_large', 'request headers are too large', undefined, 431);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new ApiError('payload_too_large', 'request chunk extensions are too large');
    default:
      // The same code as a request Express finds malformed (a path that is not valid percent-encoding).
      return new ApiError('validation_error', `the request is malformed: ${error.reason ?? error.message}`);
  }
}

function rawResponse(error: ApiError): string {
  const body = JSON.stringify({ error: error.message, code: error.code satisfies ErrorCode });
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** For `server.on('clientError', ...)`; the connection is closed either way, as the parser cannot go on. */
export function answerClientError(error: ParserError, socket: Duplex): void {
  // A response already under way on this connection cannot be followed by another one.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawResponse(toApiError(error)));
}
