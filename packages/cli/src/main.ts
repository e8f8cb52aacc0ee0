#!/usr/bin/env node
import { ExitCode, UsageError } from './cliErrors.js';
import { BOOTSTRAP_USAGE, bootstrapCommand } from './commands/bootstrap.js';
import { STACK_USAGE, stackCommand } from './commands/stack.js';

const USAGE = `Usage: storeflow <command> [options]

Commands:
  stack up|down|status   run the embedded AWS stack (S3, SQS, DynamoDB) in the background
  bootstrap              create or reconcile the pipeline's AWS resources

Run 'storeflow <command> --help' for a command's options.
Exit codes: 0 ok, 1 error, 3 (stack status) not running.`;

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => Promise<number> }> = {
  stack: { usage: STACK_USAGE, run: stackCommand },
  bootstrap: { usage: BOOTSTRAP_USAGE, run: (argv) => bootstrapCommand(argv, process.env) },
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
