import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * The mock server's ready line: the first complete stdout line that starts with `{` (`npm start`
 * prints its banner before it). Rejects, with what the process said on stderr, if it exits first.
 */
export function readyLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l, index, lines) => l.startsWith('{') && index < lines.length - 1);
      if (line !== undefined) resolve(line);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before its ready line: ${stderr}`)));
  });
}
