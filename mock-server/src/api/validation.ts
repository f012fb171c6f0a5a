/**
 * Request validation against the contract itself: every schema is compiled by Ajv from the bundled
 * OpenAPI documents, so the rules live in openapi/ only. What a schema cannot say is in webhook-rules.ts.
 */

import type { EventName } from '@titan-webhooks/sdk';
import { eventSchemaName } from '@titan-webhooks/sdk/internal';
import type { DeliveryFilter } from '@titan-webhooks/sdk/mock';
import { mockControlOpenApiDocument, titanOpenApiDocument } from '@titan-webhooks/sdk/openapi';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { LOCAL_RECEIVERS_HINT } from '../ssrf/index.js';
import { type ErrorDetail, MAX_ERROR_DETAILS, validationError } from './errors.js';

const TITAN = 'titan';
/** The contract with `WebhookUrl` accepting http too, for `allowPrivateUrls` (the SSRF check still vets the URL). */
const TITAN_PRIVATE_URLS = 'titan-private-urls';
const CONTROL = 'control';
const DELIVERY_QUERY = 'delivery-query';

const DELIVERIES_PATH = '/_mock/deliveries';
const deliveryParameters = mockControlOpenApiDocument.paths[DELIVERIES_PATH].get.parameters;
const integerQueryParameters = new Set(
  deliveryParameters.filter((p) => 'type' in p.schema && p.schema.type === 'integer').map((p) => p.name),
);

function withoutHttpsPattern(document: typeof titanOpenApiDocument): typeof titanOpenApiDocument {
  const copy = structuredClone(document);
  delete (copy.components.schemas.WebhookUrl as { pattern?: string }).pattern;
  return copy;
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

let shared: Ajv2020 | undefined;

/** One Ajv for the process: schemas compile on first use and are reused by every server. */
function ajv(): Ajv2020 {
  if (shared) return shared;
  // `verbose` keeps each failing schema on its error, so a `not` can explain itself with its description.
  shared = new Ajv2020({ strict: false, allErrors: true, verbose: true });
  addFormats(shared);
  shared.addSchema({ ...titanOpenApiDocument, $id: TITAN });
  shared.addSchema({ ...withoutHttpsPattern(titanOpenApiDocument), $id: TITAN_PRIVATE_URLS });
  shared.addSchema({ ...mockControlOpenApiDocument, $id: CONTROL });
  // The query as one object made of the operation's own parameter schemas; unknown names are refused.
  shared.addSchema(
    {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        deliveryParameters.map((p, index) => [
          p.name,
          { $ref: `${CONTROL}#/paths/${escapePointer(DELIVERIES_PATH)}/get/parameters/${index}/schema` },
        ]),
      ),
    },
    DELIVERY_QUERY,
  );
  return shared;
}

function validator(ref: string): ValidateFunction {
  const validate = ajv().getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref} in the contract`);
  return validate;
}

function describe(error: ErrorObject): ErrorDetail {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return {
        path: `${error.instancePath}/${escapePointer(String(params.additionalProperty ?? params.unevaluatedProperty))}`,
        message: 'is not a known field',
      };
    case 'required':
      return { path: `${error.instancePath}/${escapePointer(String(params.missingProperty))}`, message: 'is required' };
    case 'enum':
      return { path: error.instancePath, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { path: error.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern': {
      // The contract words its patterns for people with x-pattern-message; a raw regex is the fallback.
      const custom = (error.parentSchema as { 'x-pattern-message'?: unknown } | undefined)?.['x-pattern-message'];
      if (typeof custom === 'string') return { path: error.instancePath, message: custom };
      break;
    }
    case 'not': {
      const description = (error.schema as { description?: unknown } | undefined)?.description;
      if (typeof description === 'string') return { path: error.instancePath, message: description.replace(/\.$/, '') };
      break;
    }
  }
  return { path: error.instancePath, message: error.message ?? 'is invalid' };
}

const DESCRIBED_ERRORS = 10 * MAX_ERROR_DETAILS;

/**
 * Ajv errors as `{path, message}` with JSON Pointer paths. The branches of a failed `oneOf`/`anyOf`
 * are joined into one message ("must match pattern ... or must be null") instead of three lines.
 */
export function toDetails(errors: readonly ErrorObject[] | null | undefined, prefix = ''): ErrorDetail[] {
  // Enough for the details an answer lists; a body with 60,000 unknown fields has as many errors.
  const all = (errors ?? []).slice(0, DESCRIBED_ERRORS);
  const alternativesAt = new Set(
    all.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath),
  );
  type Entry = { path: string; messages: string[]; alternatives: boolean };
  const entries: Entry[] = [];
  // By path, so a body with thousands of unknown fields is described in linear time.
  const entriesAt = new Map<string, Entry[]>();
  for (const error of all) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    const { path, message } = describe(error);
    const alternatives = alternativesAt.has(error.instancePath) && path === error.instancePath;
    const atPath = entriesAt.get(path) ?? [];
    const entry = atPath.find((e) => (alternatives ? e.alternatives : e.messages.includes(message)));
    if (entry) {
      if (!entry.messages.includes(message)) entry.messages.push(message);
    } else {
      const added = { path, messages: [message], alternatives };
      entries.push(added);
      atPath.push(added);
      entriesAt.set(path, atPath);
    }
  }
  return entries.map(({ path, messages }) => ({ path: prefix + path, message: messages.join(' or ') }));
}

function check(validate: ValidateFunction, value: unknown, prefix = ''): ErrorDetail[] {
  if (value === undefined) return [{ path: prefix, message: 'a JSON body is required' }];
  return validate(value) ? [] : toDetails(validate.errors, prefix);
}

export interface RequestValidators {
  webhookCreate(body: unknown): ErrorDetail[];
  webhookUpdate(body: unknown): ErrorDetail[];
  emitRequest(body: unknown): ErrorDetail[];
  /** The body of `POST /_mock/scenarios/{name}`; no body at all is an empty one. */
  scenarioRun(body: unknown): ErrorDetail[];
  apiFaultCreate(body: unknown): ErrorDetail[];
  /** Details with paths under `/payload`. */
  eventPayload(event: EventName, payload: unknown): ErrorDetail[];
  /** The `{id}` of `/api/webhooks/{id}`; 400 `validation_error` unless a positive safe integer. */
  webhookId(raw: string): number;
  /** The query of `GET /_mock/deliveries`; 400 `validation_error` for unknown names or bad values. */
  deliveryQuery(query: unknown): DeliveryFilter;
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
/** Path and query values arrive as strings; integers are converted so the schema judges the number. */
const coerceInteger = (value: unknown) => (typeof value === 'string' && INTEGER.test(value) ? Number(value) : value);

export function createValidators({ allowPrivateUrls }: { allowPrivateUrls: boolean }): RequestValidators {
  const titan = allowPrivateUrls ? TITAN_PRIVATE_URLS : TITAN;
  const create = validator(`${titan}#/components/schemas/WebhookCreate`);
  const update = validator(`${titan}#/components/schemas/WebhookUpdate`);
  const emit = validator(`${CONTROL}#/components/schemas/EmitEventRequest`);
  const apiFault = validator(`${CONTROL}#/components/schemas/ApiFaultCreate`);
  const scenarioRun = validator(`${CONTROL}#/components/schemas/ScenarioRunRequest`);
  const id = validator(`${TITAN}#/components/parameters/WebhookId/schema`);
  const query = validator(DELIVERY_QUERY);
  // An http URL fails the schema's https pattern before the URL policy runs: name the switch here too.
  const hintLocalReceivers = (details: ErrorDetail[], body: unknown) =>
    allowPrivateUrls || !/^http:/i.test(String((body as { url?: unknown } | null)?.url))
      ? details
      : details.map((d) => (d.path === '/url' ? { ...d, message: `${d.message}${LOCAL_RECEIVERS_HINT}` } : d));

  return {
    webhookCreate: (body) => hintLocalReceivers(check(create, body), body),
    webhookUpdate: (body) => hintLocalReceivers(check(update, body), body),
    emitRequest: (body) => check(emit, body),
    apiFaultCreate: (body) => check(apiFault, body),
    scenarioRun: (body) => check(scenarioRun, body ?? {}),
    eventPayload: (event, payload) =>
      check(validator(`${TITAN}#/components/schemas/${eventSchemaName(event, 'Payload')}`), payload, '/payload'),
    webhookId(raw) {
      const value = coerceInteger(raw);
      if (!id(value)) throw validationError(toDetails(id.errors, '/id'), 'webhook id must be a positive integer');
      return value as number;
    },
    deliveryQuery(raw) {
      const value = Object.fromEntries(
        Object.entries(raw as Record<string, unknown>).map(([name, v]) => [
          name,
          integerQueryParameters.has(name) ? coerceInteger(v) : v,
        ]),
      );
      if (!query(value)) throw validationError(toDetails(query.errors), 'query is invalid');
      return value as DeliveryFilter;
    },
  };
}
