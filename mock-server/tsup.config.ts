import { defineConfig } from 'tsup';

// Two builds write dist/ in parallel, so neither cleans it: the package's prebuild script empties it first.
export default defineConfig([
  { entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, target: 'es2022' },
  // The `titan-mock-server` bin is ESM only; tsup keeps its shebang and makes it executable.
  { entry: ['src/cli.ts'], format: ['esm'], target: 'es2022' },
]);
