import { Interner } from './intern.js';
import type { ReceivedResponse } from './response-body.js';

/**
 * One copy per distinct body and per distinct header set among recorded responses: a receiver that
 * answers every delivery alike costs one body, not one per attempt. Header sets differ once a second
 * at most for most receivers (their `date`), so they are shared too.
 */
export class SharedResponses {
  private readonly bodies = new Interner<string>(256);
  private readonly headerSets = new Interner<Readonly<Record<string, string>>>(256);

  share({ headers, body, truncated }: ReceivedResponse): ReceivedResponse {
    let key = '';
    for (const name of Object.keys(headers)) key += `${name}\n${headers[name]}\n`;
    return { headers: this.headerSets.intern(key, headers), body: this.bodies.intern(body, body), truncated };
  }
}
