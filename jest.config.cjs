/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/deno/', '/test/bun/', '/test/types/'],
  moduleNameMapper: {
    // The packages are tested from their source, so an edit is tested without a build.
    '^@titan-webhooks/sdk$': '<rootDir>/sdk/src/index.ts',
    '^@titan-webhooks/sdk/(mock|internal|openapi)$': '<rootDir>/sdk/src/$1.ts',
    '^@titan-webhooks/receiver$': '<rootDir>/receiver/src/index.ts',
    '^@titan-webhooks/receiver/(postgres|redis)$': '<rootDir>/receiver/src/$1.ts',
    '^@titan-webhooks/mock-server$': '<rootDir>/mock-server/src/index.ts',
    '^#hmac$': '<rootDir>/sdk/src/hmac/node.ts',
    // Sources import siblings as './x.js' (ESM style); under ts-jest that means './x.ts'.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          isolatedModules: true,
          esModuleInterop: true,
          target: 'es2022',
          resolveJsonModule: true,
        },
      },
    ],
  },
  // Command-line servers started by the tests keep their token files out of the user's home.
  setupFiles: ['<rootDir>/test/helpers/local-home.ts'],
  testTimeout: 20000,
};
