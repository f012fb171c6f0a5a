import type { ApiComponents } from '@titan-webhooks/sdk';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** The API's codes, plus the one only the mock server's injected faults answer with. */
export type ErrorCode = ApiComponents['schemas']['ErrorCode'] | 'injected_fault';
export type ErrorDetail = ApiComponents['schemas']['ErrorDetail'];

const STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  request_timeout: 408,
  rate_limited: 429,
  internal_error: 500,
  // Always given its status by the fault that answers with it.
  injected_fault: 500,
};

/**
 * An error answered as `{"error", "code", "details"?}` with the status its code implies, unless a
 * more precise status is given (431 for headers that are too large, a `payload_too_large` too).
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly status: number = STATUS[code],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** More would only make a body with thousands of unknown fields answer megabytes. */
export const MAX_ERROR_DETAILS = 100;

export function validationError(details: ErrorDetail[], message = 'request is invalid'): ApiError {
  if (details.length <= MAX_ERROR_DETAILS) return new ApiError('validation_error', message, details);
  return new ApiError(
    'validation_error',
    `${message} (only the first ${MAX_ERROR_DETAILS} problems are listed)`,
    details.slice(0, MAX_ERROR_DETAILS),
  );
}

export function sendError(res: Response, error: ApiError): void {
  // Answered before the whole body arrived (too large, wrong type, no token): closing the connection
  // spares reading the rest, which keeping it alive would require.
  if (!res.req.complete) res.setHeader('Connection', 'close');
  res.status(error.status).json({
    error: error.message,
    code: error.code,
    ...(error.details?.length ? { details: error.details } : {}),
  });
}

/** Unknown routes answer like the API does, never with Express's HTML page. */
export const routeNotFound: RequestHandler = (req, res) => {
  sendError(res, new ApiError('not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * The last handler: known errors as they are; an error Express or its parsers marked 400 (a path that
 * is not valid percent-encoding) as `validation_error`; anything else as a logged 500 `internal_error`.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof ApiError) return sendError(res, error);
    if ((error as { status?: unknown }).status === 400) {
      return sendError(res, new ApiError('validation_error', `the request is malformed: ${(error as Error).message}`));
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error');
    sendError(res, new ApiError('internal_error', 'internal error'));
  };
}
