/**
 * Servers started from the command line leave their url and first token in a file only this user can
 * read, so that client commands in another terminal (`titan-mock-server trigger ...`) work without
 * copying the token by hand. The file is removed when the server stops.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface LocalServer {
  url: string;
  token: string;
  pid: number;
}

/** `TITAN_MOCK_HOME` moves the folder, e.g. for tests; by default it is in the user's home. */
export function localServersFolder(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.TITAN_MOCK_HOME || join(homedir(), '.titan-mock-server'), 'servers');
}

function fileOf(url: string): string {
  const { hostname, port } = new URL(url);
  return join(localServersFolder(), `${hostname.replace(/[^\w.-]/g, '_')}_${port}.json`);
}

/** Leaves the server's file; returns what removes it. A home that cannot be written leaves nothing. */
export function announceLocalServer(server: LocalServer): () => void {
  const file = fileOf(server.url);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Removed first: the mode applies only to a file being created.
    rmSync(file, { force: true });
    writeFileSync(file, `${JSON.stringify(server)}\n`, { mode: 0o600 });
  } catch {
    return () => undefined;
  }
  return () => rmSync(file, { force: true });
}

/** The server answering at `url` that the command line started on this machine, if it still runs. */
export function findLocalServer(url: string): LocalServer | undefined {
  try {
    const found = JSON.parse(readFileSync(fileOf(url), 'utf8')) as Partial<LocalServer>;
    if (found.url !== url || typeof found.token !== 'string' || typeof found.pid !== 'number') return undefined;
    // Signal 0 only asks whether the process exists: a server killed with -9 left its file behind.
    process.kill(found.pid, 0);
    return found as LocalServer;
  } catch {
    return undefined;
  }
}
