import { defineConfig } from 'tsup';

export default defineConfig({
  // cli.ts is the `titan-mock-server` bin (dist/cli.js); tsup keeps its shebang and makes it executable.
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'es2022',
});
