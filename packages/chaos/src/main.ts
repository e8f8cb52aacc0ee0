#!/usr/bin/env node
// `pnpm chaos`: see CHAOS_USAGE and the README's Chaos section.
import { writeFile } from 'node:fs/promises';
import { JSON_TO_STDOUT } from '@storeflow/cli/commandLine';
import { CHAOS_USAGE, parseChaosOptions } from './chaosOptions.js';
import { formatChaosSummary } from './chaosReport.js';
import { ChaosUsageError } from './errors.js';
import { runChaos } from './runChaos.js';

async function main(argv: string[]): Promise<number> {
  const options = parseChaosOptions(argv);
  if (options.help) {
    console.log(CHAOS_USAGE);
    return 0;
  }
  const report = await runChaos(options, (line) => console.error(`${new Date().toISOString()} ${line}`));
  const summary = formatChaosSummary(report);
  if (options.json === JSON_TO_STDOUT) {
    console.error(summary);
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(summary);
    if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  return report.failures.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = error instanceof ChaosUsageError ? 2 : 1;
  },
);
