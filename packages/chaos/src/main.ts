#!/usr/bin/env node
// `pnpm chaos`: see CHAOS_USAGE and the README's Chaos section.
import { writeSummaryAndDocument } from '@storeflow/cli/commandLine';
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
  await writeSummaryAndDocument(summary, report, options.json);
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
