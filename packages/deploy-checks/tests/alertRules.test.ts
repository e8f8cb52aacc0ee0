import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promtool, REPOSITORY } from './repository.js';

// The alert rules are checked and unit-tested by promtool itself: observability/tests/*.yml feed
// each rule the series that should raise it and the ones that should not.
describe('observability/alerts.rules.yml', () => {
  it('is a valid rules file', async () => {
    // Act
    const result = await promtool(['check', 'rules', 'observability/alerts.rules.yml']);

    // Assess
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('passes its promtool unit tests, which make each alert fire and stay quiet', async () => {
    // Prepare
    const folder = path.join(REPOSITORY, 'observability/tests');
    const tests = (await readdir(folder)).filter((file) => file.endsWith('.yml'));

    // Act
    const result = await promtool(['test', 'rules', ...tests.map((file) => path.join(folder, file))]);

    // Assess
    expect(tests.length).toBeGreaterThan(0);
    expect({ code: result.code, output: `${result.stdout}${result.stderr}` }).toEqual({
      code: 0,
      output: expect.not.stringContaining('FAILED'),
    });
  });
});
