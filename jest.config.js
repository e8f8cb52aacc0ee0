import { globSync } from 'node:fs';

// One jest run over every workspace package that has tests, so CI reads a single result file.
export default {
  projects: globSync(['packages/*/jest.config.js', 'services/*/jest.config.js', 'infra/jest.config.js'], {
    cwd: import.meta.dirname,
  }).map((configPath) => `<rootDir>/${configPath}`),
};
