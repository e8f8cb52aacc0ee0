#!/usr/bin/env node
// `pnpm bench`: see BENCH_USAGE and packages/bench/README.md.
import { writeSummaryAndDocument } from '@storeflow/cli/commandLine';
import { BENCH_USAGE, parseBenchOptions } from './benchOptions.js';
import { BenchUsageError } from './errors.js';
import { formatTable } from './report.js';
import { runBench } from './runBench.js';

async function main(argv: string[]): Promise<number> {
  const options = parseBenchOptions(argv);
  if (options.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const document = await runBench(options, (line) => console.error(line));
  const table = formatTable(document.summaries, document.coreToDuckdbRatio, document.awsCosts);
  await writeSummaryAndDocument(table, document, options.json);
  if (document.mismatches.length > 0) {
    console.error(
      `\n!!! MISMATCH: the core and DuckDB disagree; the comparison is void !!!\n  ${document.mismatches.join('\n  ')}`,
    );
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = error instanceof BenchUsageError ? 2 : 1;
  },
);
