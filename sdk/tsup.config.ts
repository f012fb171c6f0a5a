import { defineConfig } from 'tsup';

// '#hmac' stays external: package.json "imports" picks node:crypto or Web Crypto per runtime.
export default defineConfig({
  entry: ['src/index.ts', 'src/mock.ts', 'src/internal.ts', 'src/openapi.ts', 'src/hmac/node.ts', 'src/hmac/web.ts'],
  format: ['esm', 'cjs'],
  // Declarations only for the entry points: nothing resolves types through '#hmac'.
  dts: { entry: ['src/index.ts', 'src/mock.ts', 'src/internal.ts', 'src/openapi.ts'] },
  clean: true,
  // Shared chunks in the CommonJS build too: otherwise index.cjs and internal.cjs each hold their own copy of
  // WebhookVerificationError, and `instanceof` fails across the two entry points.
  splitting: true,
  target: 'es2022',
  external: ['#hmac'],
  // Bundled: its CJS build lacks the __esModule marker, so its default export breaks under require().
  noExternal: ['openapi-fetch'],
});
