/**
 * Checks real responses against the contract: the response schema and documented headers that
 * titanOpenApiDocument / mockControlOpenApiDocument give for the operation and status.
 */

import { mockControlOpenApiDocument, titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components?: unknown };
const documents: Record<string, Doc> = {
  titan: titanOpenApiDocument as unknown as Doc,
  control: mockControlOpenApiDocument as unknown as Doc,
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const [id, document] of Object.entries(documents)) ajv.addSchema({ ...(document as object), $id: id });

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

function resolvePointer(document: unknown, pointer: string): unknown {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

/** The documented path template an actual path matches, e.g. /api/webhooks/7 -> /api/webhooks/{id}. */
export function findOperation(method: string, actualPath: string): { documentId: string; template: string } {
  const path = actualPath.split('?')[0]!;
  for (const [documentId, document] of Object.entries(documents)) {
    for (const template of Object.keys(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      if (pattern.test(path) && document.paths[template]![method.toLowerCase()]) return { documentId, template };
    }
  }
  throw new Error(`no operation ${method} ${path} in the contract`);
}

interface ResponseSpec {
  validate: ValidateFunction | undefined;
  headers: string[];
}

const cache = new Map<string, ResponseSpec>();

function responseSpec(method: string, documentId: string, template: string, status: number): ResponseSpec {
  const key = `${documentId} ${method} ${template} ${status}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const document = documents[documentId]!;
  const responses = document.paths[template]![method.toLowerCase()]!.responses ?? {};
  const statusKey = String(status) in responses ? String(status) : 'default' in responses ? 'default' : undefined;
  if (statusKey === undefined) throw new Error(`${method} ${template} does not document status ${status}`);
  let pointer = `#/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${statusKey}`;
  let response = responses[statusKey] as {
    $ref?: string;
    headers?: Record<string, unknown>;
    content?: Record<string, unknown>;
  };
  if (response.$ref) {
    pointer = response.$ref;
    response = resolvePointer(document, pointer) as typeof response;
  }
  const hasSchema = response.content?.['application/json'] !== undefined;
  const spec: ResponseSpec = {
    validate: hasSchema ? ajv.getSchema(`${documentId}${pointer}/content/application~1json/schema`) : undefined,
    headers: Object.keys(response.headers ?? {}),
  };
  cache.set(key, spec);
  return spec;
}

export interface ContractResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Throws with the Ajv errors unless the response is what the contract documents for the operation and status. */
export function assertContract(method: string, actualPath: string, response: ContractResponse): void {
  const { documentId, template } = findOperation(method, actualPath);
  const spec = responseSpec(method, documentId, template, response.status);
  const where = `${method} ${actualPath} -> ${response.status}`;
  if (spec.validate && !spec.validate(response.body)) {
    throw new Error(
      `${where}: body breaks the contract: ${JSON.stringify(spec.validate.errors)}\n${JSON.stringify(response.body)}`,
    );
  }
  for (const name of spec.headers) {
    const value = response.headers[name.toLowerCase()];
    if (typeof value !== 'string' || !/^\d+$/.test(value))
      throw new Error(`${where}: documented header ${name} is missing or not a whole number`);
  }
}

/** Throws with the Ajv errors unless `value` is valid against the named schema of the vendor API's document. */
export function assertSchema(schemaName: string, value: unknown): void {
  const validate = ajv.getSchema(`titan#/components/schemas/${escapePointer(schemaName)}`);
  if (!validate) throw new Error(`no schema ${schemaName} in the contract`);
  if (!validate(value)) throw new Error(`${schemaName}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`);
}

export interface CallOptions {
  /** Bearer token; omit for none. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One real HTTP request with supertest; the response is checked against the contract before it is returned. */
export async function call(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: CallOptions = {},
): Promise<request.Response> {
  const agent = request(baseUrl);
  let req =
    method === 'GET'
      ? agent.get(path)
      : method === 'POST'
        ? agent.post(path)
        : method === 'PUT'
          ? agent.put(path)
          : agent.delete(path);
  if (options.token !== undefined) req = req.set('Authorization', `Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) req = req.set(name, value);
  if (options.raw !== undefined)
    req = req.set('Content-Type', options.contentType ?? 'application/json').send(options.raw);
  else if (options.body !== undefined) req = req.send(options.body as object);
  const response = await req;
  assertContract(method, path, response);
  return response;
}

/** Throws with the Ajv errors unless `value` is valid against the named schema of the control API's document. */
export function assertControlSchema(schemaName: string, value: unknown): void {
  const validate = ajv.getSchema(`control#/components/schemas/${escapePointer(schemaName)}`);
  if (!validate) throw new Error(`no schema ${schemaName} in the control contract`);
  if (!validate(value)) throw new Error(`${schemaName}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`);
}
