import { tmpdir } from 'node:os';
import { assertCliBuilt, runCli } from './helpers.js';

// Every command answers --help and refuses an option it does not know before it touches
// anything, so no stack is needed here. The usage line each command starts with is the one
// `storeflow --help` and the package README name it by.
const USAGE_LINES: [command: string, usage: string][] = [
  ['demo', 'Usage: storeflow demo [options]'],
  ['stack', 'Usage: storeflow stack <up|down|status> [options]'],
  ['bootstrap', 'Usage: storeflow bootstrap [options]'],
  ['generate', 'Usage: storeflow generate [options]'],
  ['contracts', 'Usage: storeflow contracts <validate|show|diff> [options]'],
  ['upload', 'Usage: storeflow upload <path>... [options]'],
  ['status', 'Usage: storeflow status [options]'],
  ['kpis', 'Usage: storeflow kpis [options]'],
  ['anomalies', 'Usage: storeflow anomalies [options]'],
  ['report', 'Usage: storeflow report <file-key> [options]'],
  [
    'reprocess',
    'Usage: storeflow reprocess (--key <key>... | --key-prefix <prefix> | --status <status>) [options]',
  ],
  ['redrive', 'Usage: storeflow redrive --queue <ingest|transform> [options]'],
];

beforeAll(async () => {
  await assertCliBuilt();
});

describe('storeflow <command> --help', () => {
  it.each(USAGE_LINES)('%s prints its usage on stdout and exits 0', async (command, usage) => {
    // Act
    const result = await runCli([command, '--help'], tmpdir());

    // Assess
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')[0]).toBe(usage);
  });

  it('storeflow --help lists every command', async () => {
    // Act
    const result = await runCli(['--help'], tmpdir());

    // Assess
    expect(result.code).toBe(0);
    const listed = [...result.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map(([, command]) => command);
    expect(listed).toEqual(USAGE_LINES.map(([command]) => command));
  });
});

describe('an option a command does not know', () => {
  it.each(USAGE_LINES.map(([command]) => command))(
    '%s exits 1, naming the option and pointing at --help',
    async (command) => {
      // Act
      const result = await runCli([command, '--colour', 'blue'], tmpdir());

      // Assess
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: "storeflow: Unknown option '--colour'; see --help\n",
      });
    },
  );

  it('an unknown command exits 1 and points at storeflow --help', async () => {
    // Act
    const result = await runCli(['deploy'], tmpdir());

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: "storeflow: unknown command 'deploy'; run 'storeflow --help'\n",
    });
  });
});
