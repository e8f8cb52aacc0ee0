import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { shellWord, stopCommand } from '../src/demo/stopCommand.js';

const rootPackage = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8'),
) as { packageManager: string };

/** What a POSIX shell makes of `word`: the value the command line would pass on. */
function shellValue(word: string): string {
  return execFileSync('sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' });
}

describe('stopCommand', () => {
  it('names the bin, with the run directory, when the demo was not started by a root script', () => {
    expect(stopCommand('/srv/demo', {})).toBe('storeflow demo --stop --dir /srv/demo');
  });

  it('repeats the root script, with the pnpm the repository pins, when pnpm started the demo', () => {
    // Prepare
    const pnpm = `npx -y ${rootPackage.packageManager}`;

    // Act
    const viaDemo = stopCommand('/repo/.demo', { npm_lifecycle_event: 'demo' });
    const viaCli = stopCommand('/repo/.demo', { npm_lifecycle_event: 'cli' });

    // Assess
    expect(viaDemo).toBe(`${pnpm} demo --stop --dir /repo/.demo`);
    expect(viaCli).toBe(`${pnpm} cli demo --stop --dir /repo/.demo`);
  });
});

describe('shellWord', () => {
  it.each(['/tmp/plain-dir_1.x', "/tmp/it's here", '/tmp/$HOME `date` "quoted"', '/tmp/semi;colon & star*'])(
    '%s reaches the command as it is',
    (value) => {
      expect(shellValue(shellWord(value))).toBe(value);
    },
  );

  it('leaves a path without special characters unquoted', () => {
    expect(shellWord('/home/me/.demo')).toBe('/home/me/.demo');
  });
});
