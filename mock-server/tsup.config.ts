import { defineConfig } from 'tsup';

// Three builds write dist/ in parallel, so none cleans it: the package's prebuild script empties it first.
// shims: the inspector's route finds its bundle from __dirname, which the ESM output lacks otherwise.
export default defineConfig([
  { entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, target: 'es2022', shims: true },
  // The `titan-mock-server` bin is ESM only; tsup keeps its shebang and makes it executable.
  { entry: ['src/cli.ts'], format: ['esm'], target: 'es2022', shims: true },
  // The inspector at GET /: one minified script and its stylesheet for the browser, Preact included.
  {
    entry: { 'inspector/app': 'src/console/inspector/main.tsx' },
    format: ['iife'],
    platform: 'browser',
    target: ['chrome111', 'firefox111', 'safari16.4'],
    minify: true,
    outExtension: () => ({ js: '.js' }),
    esbuildOptions(options) {
      options.jsx = 'automatic';
      options.jsxImportSource = 'preact';
    },
  },
]);
