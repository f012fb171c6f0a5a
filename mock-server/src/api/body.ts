import express, { type RequestHandler } from 'express';
import { ApiError } from './errors.js';

/** 1 MiB, the API's request body limit. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** `application/json` or `application/*+json`, any parameters. */
function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
}

function isClientError(error: unknown): boolean {
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  const zlib =
    typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('Z_');
  return zlib || (typeof status === 'number' && status >= 400 && status < 500);
}

function hasBody(headers: Parameters<RequestHandler>[0]['headers']): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
}

/**
 * Parses JSON bodies of POST and PUT: 415 `unsupported_media_type` for another media type, 413
 * `payload_too_large` past 1 MiB (counted while streaming, so a large body is never buffered),
 * 400 `invalid_json` for malformed JSON. A request without a body keeps `req.body` undefined.
 */
export function jsonBody(): RequestHandler {
  const parse = express.json({ limit: BODY_LIMIT_BYTES, strict: false, type: () => true });
  return (req, res, next) => {
    if ((req.method !== 'POST' && req.method !== 'PUT') || !hasBody(req.headers)) return next();
    if (!isJsonMediaType(req.headers['content-type'])) {
      throw new ApiError('unsupported_media_type', 'content-type must be application/json');
    }
    parse(req, res, (error?: unknown) => {
      if (error === undefined) return next();
      next(toApiError(error));
    });
  };
}

/**
 * body-parser marks the errors of reading a body with a `type` (see its README); a body that does not
 * inflate under its Content-Encoding fails in zlib with a 4xx status and no type. Others are unexpected.
 */
function toApiError(error: unknown): unknown {
  const type = (error as { type?: unknown }).type;
  switch (type) {
    case 'entity.too.large':
      return new ApiError('payload_too_large', `request body is larger than ${BODY_LIMIT_BYTES} bytes`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ApiError('unsupported_media_type', (error as Error).message);
    case 'entity.parse.failed':
      return new ApiError('invalid_json', 'request body is not valid JSON');
    default:
      if (typeof type === 'string' || isClientError(error))
        return new ApiError('invalid_json', 'request body could not be read');
      return error;
  }
}
