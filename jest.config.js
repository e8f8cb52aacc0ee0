import { globSync } from 'node:fs';

// One jest run over every workspace package that has tests, so CI reads a single result file.
export default {
  // A global option (ignored in project configs): integration tests start emulators and JVMs.
  testTimeout: 30_000,
  // Most of an integration test's time is spent waiting on queues, emulators and child
  // processes, so two test files at once finish sooner than one even on two cores; a worker
  // that has grown past the limit (SDK clients, emulator state) is replaced between files.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1GB',
  projects: globSync(['packages/*/jest.config.js', 'services/*/jest.config.js', 'infra/jest.config.js'], {
    cwd: import.meta.dirname,
  }).map((configPath) => `<rootDir>/${configPath}`),
};
