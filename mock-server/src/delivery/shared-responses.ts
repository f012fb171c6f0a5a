import type { ReceivedResponse } from './response-body.js';

/**
 * One copy of a webhook's answer while its receiver keeps answering alike: a receiver that answers
 * every delivery the same way costs one body and one header set, not one per attempt. Comparing with
 * the webhook's previous answer is cheaper than hashing every answer, and most receivers' headers only
 * change once a second (their `date`), their bodies never.
 */
export class SharedResponses {
  private readonly latest = new Map<number, ReceivedResponse>();

  share(webhookId: number, response: ReceivedResponse): ReceivedResponse {
    const previous = this.latest.get(webhookId);
    if (previous === undefined) {
      this.latest.set(webhookId, response);
      return response;
    }
    const headers = sameHeaders(previous.headers, response.headers) ? previous.headers : response.headers;
    const body = previous.body === response.body ? previous.body : response.body;
    if (headers === previous.headers && body === previous.body && response.truncated === previous.truncated) {
      return previous;
    }
    const shared = { headers, body, truncated: response.truncated };
    this.latest.set(webhookId, shared);
    return shared;
  }

  /** The webhook is gone: its latest answer need not be kept for it. */
  forget(webhookId: number): void {
    this.latest.delete(webhookId);
  }
}

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  let count = 0;
  for (const name in b) {
    if (a[name] !== b[name] || !Object.hasOwn(a, name)) return false;
    count++;
  }
  for (const _ in a) count--;
  return count === 0;
}
