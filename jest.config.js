import { globSync } from 'node:fs';

// One jest run over every workspace package that has tests, so CI reads a single result file.
export default {
  // A global option (ignored in project configs): integration tests start emulators and JVMs.
  testTimeout: 30_000,
  projects: globSync(['packages/*/jest.config.js', 'services/*/jest.config.js', 'infra/jest.config.js'], {
    cwd: import.meta.dirname,
  }).map((configPath) => `<rootDir>/${configPath}`),
};
