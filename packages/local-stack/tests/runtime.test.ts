import { readFile } from 'node:fs/promises';
import path from 'node:path';

describe('pinned runtime', () => {
  it('runs on the Node major version pinned in the root package.json', async () => {
    // Prepare
    const rootManifest = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8'),
    ) as { devDependencies: Record<string, string> };
    const pinnedMajor = rootManifest.devDependencies.node?.split('.')[0];

    // Act
    const runningMajor = process.versions.node.split('.')[0];

    // Assess
    expect(pinnedMajor).toBe('24');
    expect(runningMajor).toBe(pinnedMajor);
  });

  it('offers node:sqlite, which fauxqs needs', async () => {
    const sqlite = await import('node:sqlite');
    expect(typeof sqlite.DatabaseSync).toBe('function');
  });
});
