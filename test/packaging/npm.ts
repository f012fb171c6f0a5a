/**
 * The environment for an npm run in a folder outside the repository. Under `npm test`, npm passes its
 * own settings down as npm_* variables (workspace, package, lifecycle); a nested install must not
 * inherit them, only where the cache and registry are.
 */
export function cleanNpmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = /^npm_config_(cache|registry|userconfig)$/i;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || kept.test(name)),
  );
  return { ...env, ...extra };
}
