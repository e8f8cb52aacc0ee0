#!/usr/bin/env node
import { ExitCode, UsageError } from './cliErrors.js';
import { ANOMALIES_USAGE, anomaliesCommand } from './commands/anomalies.js';
import { BOOTSTRAP_USAGE, bootstrapCommand } from './commands/bootstrap.js';
import { CONTRACTS_USAGE, contractsCommand } from './commands/contracts.js';
import { DEMO_USAGE, demoCommand } from './commands/demo.js';
import { GENERATE_USAGE, generateCommand } from './commands/generate.js';
import { KPIS_USAGE, kpisCommand } from './commands/kpis.js';
import { REDRIVE_USAGE, redriveCommand } from './commands/redrive.js';
import { REPORT_USAGE, reportCommand } from './commands/report.js';
import { REPROCESS_USAGE, reprocessCommand } from './commands/reprocess.js';
import { STACK_USAGE, stackCommand } from './commands/stack.js';
import { STATUS_USAGE, statusCommand } from './commands/status.js';
import { UPLOAD_USAGE, uploadCommand } from './commands/upload.js';

const USAGE = `Usage: storeflow <command> [options]

Commands:
  demo                   run the whole pipeline on this machine and print verdicts and KPIs
  stack up|down|status   run the embedded AWS stack (S3, SQS, DynamoDB) in the background
  bootstrap              create or reconcile the pipeline's AWS resources
  generate               write a seeded, realistic data set and its expected validation results
  contracts              check, print or compare the data contracts (validate, show, diff)
  upload <path>...       upload extracts to raw/<dataset>/ in the bucket
  status                 list the files the pipeline has seen and their status
  kpis                   print the daily and category KPIs
  anomalies              print the anomalies found in the daily KPIs and rejected rows
  report <file-key>      print a file's validation report
  reprocess              validate files again (by key, key prefix or status)
  redrive                move dead-letter queue messages back to their queue

Run 'storeflow <command> --help' for a command's options.
Exit codes: 0 ok, 1 error, 2 (contracts diff) a change reclassifies stored data,
3 (stack status) not running.`;

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => Promise<number> }> = {
  demo: { usage: DEMO_USAGE, run: demoCommand },
  stack: { usage: STACK_USAGE, run: stackCommand },
  bootstrap: { usage: BOOTSTRAP_USAGE, run: (argv) => bootstrapCommand(argv, process.env) },
  generate: { usage: GENERATE_USAGE, run: generateCommand },
  contracts: { usage: CONTRACTS_USAGE, run: (argv) => contractsCommand(argv, process.env) },
  upload: { usage: UPLOAD_USAGE, run: (argv) => uploadCommand(argv, process.env) },
  status: { usage: STATUS_USAGE, run: (argv) => statusCommand(argv, process.env) },
  kpis: { usage: KPIS_USAGE, run: (argv) => kpisCommand(argv, process.env) },
  anomalies: { usage: ANOMALIES_USAGE, run: (argv) => anomaliesCommand(argv, process.env) },
  report: { usage: REPORT_USAGE, run: (argv) => reportCommand(argv, process.env) },
  reprocess: { usage: REPROCESS_USAGE, run: (argv) => reprocessCommand(argv, process.env) },
  redrive: { usage: REDRIVE_USAGE, run: (argv) => redriveCommand(argv, process.env) },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name === undefined ? ExitCode.ERROR : ExitCode.OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) throw new UsageError(`unknown command '${name}'; run 'storeflow --help'`);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One line, so scripts and people see the cause without a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`storeflow: ${message.split('\n')[0]}\n`);
    process.exitCode = ExitCode.ERROR;
  },
);
