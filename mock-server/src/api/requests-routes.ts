/** The control API's `GET /_mock/requests`: the account's request journal, one page at a time. */

import { parse as parseQuery } from 'node:querystring';
import type { RecordedRequest } from '@titan-webhooks/sdk/mock';
import { Router } from 'express';
import type { MockStore, RequestRecord } from '../store/store.js';
import { accountOf } from './auth.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor } from './cursor.js';
import { pathMatches } from './faults.js';
import type { RequestValidators } from './validation.js';

function toRecordedRequest(record: RequestRecord): RecordedRequest {
  return {
    id: `req_${record.seq}`,
    method: record.method,
    path: record.path,
    // Parsed as Express parses a query, with a plain prototype so it serialises like any object.
    query: { ...parseQuery(record.query) } as RecordedRequest['query'],
    status: record.status,
    body: record.body === null ? null : JSON.parse(record.body),
    receivedAt: new Date(record.receivedAt).toISOString(),
    durationMs: record.durationMs,
  };
}

export function requestsRoutes(store: MockStore, validators: RequestValidators): Router {
  const router = Router();

  router.get('/requests', (req, res) => {
    const { limit = DEFAULT_PAGE_SIZE, cursor, method, path } = validators.requestQuery(req.query);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const matches = (record: RequestRecord) =>
      (method === undefined || record.method === method) && (path === undefined || pathMatches(path, record.path));
    const page = store.requestPage(accountOf(req).id, matches, limit, after);
    res.json({
      data: page.records.map(toRecordedRequest),
      nextCursor: page.next === null ? null : encodeCursor(page.next),
    });
  });

  return router;
}
