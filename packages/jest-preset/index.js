import path from 'node:path';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

/**
 * Builds the jest project config for one workspace package.
 *
 * TypeScript is compiled by @swc/jest (type checking is `pnpm typecheck`'s job), and runs as
 * native ESM because p-limit and fauxqs ship ESM only; jest must therefore be started with
 * `--experimental-vm-modules`, which the root `test` script does.
 *
 * @param {string} packageDir absolute path of the package (its `import.meta.dirname`)
 */
export function createJestConfig(packageDir) {
  return {
    displayName: path.relative(repositoryRoot, packageDir),
    rootDir: packageDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: {
      // Sources import siblings as `./x.js` (NodeNext); in tests those resolve to `./x.ts`.
      '^(\\.{1,2}/.*)\\.js$': '$1',
      // Workspace packages are tested against their sources, so a test run needs no prior build.
      '^@storeflow/(validator|transformer)/([A-Za-z]+)$': `${repositoryRoot}/services/$1/src/$2.ts`,
      '^@storeflow/([a-z-]+)$': `${repositoryRoot}/packages/$1/src/index.ts`,
      '^@storeflow/([a-z-]+)/([A-Za-z]+)$': `${repositoryRoot}/packages/$1/src/$2.ts`,
    },
  };
}
