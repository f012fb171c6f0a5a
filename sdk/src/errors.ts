import type { components } from './generated/titan-api.js';

type ApiErrorBody = components['schemas']['Error'];
export type ErrorDetail = components['schemas']['ErrorDetail'];

/** Base class of every error the SDK throws. */
export class TitanError extends Error {
  override name = 'TitanError';
}

/** The API answered with a non-2xx status (or an unreadable 2xx body). */
export class TitanApiError extends TitanError {
  override name = 'TitanApiError';
  /** HTTP status. */
  readonly status: number;
  /** Machine code from the error body (`validation_error`, `not_found`...), or `http_<status>` when the body had none. */
  readonly code: string;
  /** Field-level problems, when the API gave them. */
  readonly details: ErrorDetail[];
  /** The response body: parsed JSON, or the raw text when it was not JSON. */
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    const parsed = isErrorBody(body) ? body : undefined;
    super(parsed === undefined ? describeStatus(status, body) : withFirstDetail(parsed));
    this.status = status;
    this.code = parsed?.code ?? `http_${status}`;
    this.details = parsed?.details ?? [];
    this.body = body;
  }
}

/** The request never got an HTTP answer: network failure or timeout. */
export class TitanNetworkError extends TitanError {
  override name = 'TitanNetworkError';
  /** True when the SDK's own timeout ended the request. */
  readonly timedOut: boolean;

  constructor(message: string, options: { cause: unknown; timedOut: boolean }) {
    super(message, { cause: options.cause });
    this.timedOut = options.timedOut;
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ApiErrorBody).error === 'string' &&
    typeof (body as ApiErrorBody).code === 'string'
  );
}

/** "request body is invalid: /url: must be an https URL": the first detail is usually the whole story. */
function withFirstDetail({ error, details }: ApiErrorBody): string {
  const first = details?.[0];
  if (first === undefined) return error;
  const more = details!.length > 1 ? ` (and ${details!.length - 1} more)` : '';
  return `${error}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}

function describeStatus(status: number, body: unknown): string {
  const text = typeof body === 'string' && body.length > 0 ? `: ${body.slice(0, 200)}` : '';
  return `HTTP ${status}${text}`;
}
