import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from './errors.js';

/** 1 MiB, the API's request body limit, on the wire and once inflated. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * The deepest nesting of arrays and objects a body may have. Webhook and event bodies need fewer
 * than ten levels; thousands would overflow the stack of the recursive code that validates bodies.
 */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `application/json` or `application/*+json`; parameters such as `charset` are ignored: bodies are UTF-8. */
function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
}

function announcesBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
}

const tooLarge = () => new ApiError('payload_too_large', `request body is larger than ${BODY_LIMIT_BYTES} bytes`);
const unreadable = () => new ApiError('invalid_json', 'request body could not be read');

function decompressor(contentEncoding: string | undefined) {
  switch ((contentEncoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
      return undefined;
    case 'gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new ApiError('unsupported_media_type', `content-encoding ${contentEncoding} is not supported`);
  }
}

/** Counts the bytes of `stream`, and fails as soon as they pass the limit. */
function countBytes(stream: Readable, fail: (error: ApiError) => void): void {
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) fail(tooLarge());
  });
}

/**
 * The body's bytes, inflated under its Content-Encoding. Stops reading at the first byte past the
 * limit (on the wire or inflated) instead of draining the rest: the caller answers and closes.
 */
function readBody(req: Request, res: Response): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
    const inflate = decompressor(req.headers['content-encoding']);
    const source: Readable = inflate ?? req;
    const chunks: Buffer[] = [];
    let settled = false;
    const fail = (error: ApiError) => {
      if (settled) return;
      settled = true;
      req.unpipe();
      req.pause();
      inflate?.destroy();
      reject(error);
    };
    if (inflate) {
      countBytes(req, fail);
      req.pipe(inflate);
    }
    countBytes(source, fail);
    source.on('data', (chunk: Buffer) => {
      if (!settled) chunks.push(chunk);
    });
    source.on('error', () => fail(unreadable()));
    req.on('error', () => fail(unreadable()));
    // A client gone before the end of its body: nothing will come, and no one will read the answer.
    req.on('close', () => {
      if (!req.complete) fail(unreadable());
    });
    source.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
  });
}

/** Whether arrays and objects nest deeper than `max`, counted on the raw text, outside strings. */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/** An empty body is no body at all, however it was framed. */
function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError('invalid_json', 'request body is not valid UTF-8');
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new ApiError('invalid_json', `request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 'request body is not valid JSON');
  }
}

/**
 * Parses JSON bodies of POST and PUT: 415 `unsupported_media_type` for another media type or an
 * unknown Content-Encoding, 413 `payload_too_large` past 1 MiB (from Content-Length before reading,
 * else counted while streaming), 400 `invalid_json` for a body that is not UTF-8 JSON or nests too
 * deep. A request without a body, or with an empty one, keeps `req.body` undefined. Other methods
 * ignore their body and close the connection after answering.
 */
export function jsonBody(): RequestHandler {
  return (req, res, next) => {
    if (!announcesBody(req.headers)) return next();
    if (req.method !== 'POST' && req.method !== 'PUT') {
      // Never read: closing after the answer spares draining it, however large it claims to be.
      res.setHeader('Connection', 'close');
      return next();
    }
    if (!isJsonMediaType(req.headers['content-type'])) {
      throw new ApiError('unsupported_media_type', 'content-type must be application/json');
    }
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) throw tooLarge();
    readBody(req, res)
      .then(parseJson)
      .then((body) => {
        req.body = body;
        next();
      }, next);
  };
}
