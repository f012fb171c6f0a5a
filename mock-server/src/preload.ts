/**
 * The preloaded setup: tokens and webhooks read from a JSON or YAML file (or given as an object) and
 * set up at start, so docker-compose and CI need no API calls before their tests. Each webhook is
 * checked by the same rules as the API's create; any problem stops the start with its JSON path.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { WebhookCreate } from '@titan-webhooks/sdk';
import { parse as parseYaml } from 'yaml';
import type { Accounts, TokenSpec } from './api/auth.js';
import type { ErrorDetail } from './api/errors.js';
import { createValidators } from './api/validation.js';
import { newWebhookFields, webhookRuleDetails } from './api/webhook-rules.js';
import { ConfigError, tokenProblem } from './config.js';
import type { MockStore } from './store/store.js';

/** The file's shape. */
export interface PreloadFile {
  /** More accounts, next to those of `--token`; scopes default to `*`. */
  tokens?: { token: string; scopes?: string[] }[];
  /** Webhooks to create, each owned by the account of its `token`. */
  webhooks?: (WebhookCreate & { token: string })[];
}

export interface PreloadedWebhook {
  token: string;
  body: WebhookCreate;
}

export interface Preload {
  tokens: TokenSpec[];
  webhooks: PreloadedWebhook[];
}

interface PreloadSource {
  config?: string | PreloadFile;
  /** The tokens given otherwise (`--token`): webhooks may belong to them, file tokens must not repeat them. */
  tokens?: (string | TokenSpec)[];
  allowPrivateUrls?: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and checks the setup; throws ConfigError naming the JSON path of every problem. */
export async function loadPreload({ config, tokens = [], allowPrivateUrls = false }: PreloadSource): Promise<Preload> {
  if (config === undefined) return { tokens: [], webhooks: [] };
  const content = typeof config === 'string' ? await readSetupFile(config) : config;
  const details: ErrorDetail[] = [];
  const problem = (path: string, message: string) => details.push({ path, message });

  if (!isObject(content)) {
    problem('', 'must be an object with "tokens" and "webhooks" lists');
    throw configError(details);
  }
  for (const key of Object.keys(content)) {
    if (key !== 'tokens' && key !== 'webhooks') problem(`/${key}`, 'is not a known field');
  }

  const known = new Set(tokens.map((spec) => (typeof spec === 'string' ? spec : spec.token)));
  const preloadedTokens: TokenSpec[] = [];
  for (const [index, entry] of listAt(content, 'tokens', problem).entries()) {
    const path = `/tokens/${index}`;
    if (!isObject(entry)) {
      problem(path, 'must be an object with "token" and optional "scopes"');
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'token' && key !== 'scopes') problem(`${path}/${key}`, 'is not a known field');
    }
    const { token, scopes = ['*'] } = entry;
    const tokenError = token === undefined ? 'is required' : tokenProblem(token);
    if (tokenError !== null) problem(`${path}/token`, tokenError);
    else if (known.has(token as string)) problem(`${path}/token`, 'is given twice: each token is its own account');
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
      problem(`${path}/scopes`, 'must be a list of strings');
    }
    if (tokenError === null) {
      known.add(token as string);
      preloadedTokens.push({ token: token as string, scopes: scopes as string[] });
    }
  }

  const validators = createValidators({ allowPrivateUrls });
  const webhooks: PreloadedWebhook[] = [];
  for (const [index, entry] of listAt(content, 'webhooks', problem).entries()) {
    const path = `/webhooks/${index}`;
    if (!isObject(entry)) {
      problem(path, 'must be an object: "token" and the fields of a webhook create');
      continue;
    }
    const { token, ...body } = entry;
    if (token === undefined) problem(`${path}/token`, 'is required');
    else if (typeof token !== 'string' || !known.has(token)) {
      problem(`${path}/token`, 'is not a token of the server: list it under /tokens or give it with --token');
    }
    // The API's own create rules: the contract's schema, then the checks only code can make.
    const schemaDetails = validators.webhookCreate(body);
    const ruleDetails = await webhookRuleDetails(body, schemaDetails, allowPrivateUrls);
    for (const detail of [...schemaDetails, ...ruleDetails]) problem(path + detail.path, detail.message);
    webhooks.push({ token: token as string, body: body as unknown as WebhookCreate });
  }

  if (details.length > 0) throw configError(details);
  return { tokens: preloadedTokens, webhooks };
}

/**
 * Creates the preloaded webhooks. One of the same account, url and label that the store already
 * holds (kept from an earlier run) is not created again.
 */
export function createPreloadedWebhooks(
  webhooks: readonly PreloadedWebhook[],
  { store, accounts }: { store: MockStore; accounts: Accounts },
): void {
  for (const { token, body } of webhooks) {
    const accountId = accounts.ofToken(token).id;
    const label = body.label ?? null;
    if (store.list(accountId).some((webhook) => webhook.url === body.url && webhook.label === label)) continue;
    store.createWebhook(newWebhookFields(accountId, body));
  }
}

async function readSetupFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`config error: cannot read ${file}: ${(error as Error).message}`);
  }
  // YAML reads JSON too, but JSON.parse words a JSON file's mistakes better.
  const json = extname(file).toLowerCase() === '.json';
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const [reason] = (error as Error).message.split('\n');
    throw new ConfigError(`config error: ${file} is not valid ${json ? 'JSON' : 'YAML'}: ${reason}`);
  }
}

function listAt(
  content: Record<string, unknown>,
  key: 'tokens' | 'webhooks',
  problem: (path: string, message: string) => void,
): unknown[] {
  const list = content[key];
  if (list === undefined) return [];
  if (Array.isArray(list)) return list;
  problem(`/${key}`, 'must be a list');
  return [];
}

function configError(details: readonly ErrorDetail[]): ConfigError {
  const problems = details.map(({ path, message }) => (path === '' ? `: ${message}` : ` at ${path}: ${message}`));
  return new ConfigError(`config error${problems.join(';')}`);
}
