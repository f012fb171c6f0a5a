/** What the contract's schemas cannot express about a webhook, and how a valid body becomes one. */
import type { Retries, WebhookCreate, WebhookHeader, WebhookUpdate } from '@titan-webhooks/sdk';
import { titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import type { AccountId, StoredWebhook } from '../model.js';
import { checkWebhookUrl } from '../ssrf/index.js';
import type { ErrorDetail } from './errors.js';

const retryProperties = titanOpenApiDocument.components.schemas.Retries.properties;
/** The contract's defaults: 3 retries, 5 s, exponential. */
export const DEFAULT_RETRIES: Retries = {
  attempts: retryProperties.attempts.default,
  delaySeconds: retryProperties.delaySeconds.default,
  policy: retryProperties.policy.default as Retries['policy'],
};

/** Header names are case-insensitive, so `X-App` and `x-app` would be sent as one header. */
function duplicateHeaders(headers: unknown): ErrorDetail[] {
  if (!Array.isArray(headers)) return [];
  const seen = new Map<string, number>();
  const details: ErrorDetail[] = [];
  headers.forEach((header: Partial<WebhookHeader> | null, index) => {
    if (typeof header?.name !== 'string') return;
    const key = header.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      details.push({
        path: `/headers/${index}/name`,
        message: `duplicates /headers/${first}/name (names are compared ignoring case)`,
      });
  });
  return details;
}

/**
 * The code-only rules, run next to the schema's so one answer lists every problem: unique header
 * names, and the SSRF policy for a URL the schema accepted (no point resolving a malformed one).
 */
export async function webhookRuleDetails(
  body: unknown,
  schemaDetails: readonly ErrorDetail[],
  allowPrivateUrls: boolean,
): Promise<ErrorDetail[]> {
  if (typeof body !== 'object' || body === null) return [];
  const { url, headers } = body as { url?: unknown; headers?: unknown };
  const details = duplicateHeaders(headers);
  const urlSchemaFailed = schemaDetails.some((d) => d.path === '/url' || d.path.startsWith('/url/'));
  if (typeof url === 'string' && !urlSchemaFailed) {
    const problem = await checkWebhookUrl(url, { allowPrivateUrls });
    if (problem) details.push({ path: problem.path, message: problem.message });
  }
  return details;
}

/**
 * URLs are stored and shown as the WHATWG parser writes them back, the form the delivery connects to:
 * `https://example.com\\@127.0.0.1/` becomes `https://example.com/@127.0.0.1/`, which no other parser
 * can read as a request to 127.0.0.1. Only called on URLs validation accepted, so they parse.
 */
const normalisedUrl = (url: string) => new URL(url).href;

/** Stored as given after removing duplicates, first occurrence kept. */
const uniqueEvents = (events: string[]) => [...new Set(events)];

/** A new webhook from a valid create body, with the contract's defaults. */
export function newWebhookFields(accountId: AccountId, body: WebhookCreate): Omit<StoredWebhook, 'id' | 'createdAt'> {
  return {
    accountId,
    url: normalisedUrl(body.url),
    events: uniqueEvents(body.events ?? []),
    session: body.session ?? null,
    label: body.label ?? null,
    enabled: body.enabled ?? true,
    headers: body.headers ?? [],
    retries: { ...DEFAULT_RETRIES, ...body.retries },
    hmacKey: body.hmacKey ?? null,
  };
}

/** Only the fields present change; `headers` replaces the list, `null` clears, `retries` merges. */
export function updatedWebhook(current: StoredWebhook, body: WebhookUpdate): StoredWebhook {
  const { url, events, retries, ...rest } = body;
  return {
    ...current,
    ...rest,
    ...(url === undefined ? {} : { url: normalisedUrl(url) }),
    ...(events === undefined ? {} : { events: uniqueEvents(events) }),
    ...(retries === undefined ? {} : { retries: { ...current.retries, ...retries } }),
  };
}
