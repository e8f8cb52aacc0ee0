import { redriveDeadLetters } from '@storeflow/aws';
import { queueUrl, withAwsTarget } from '../awsTarget.js';
import { ExitCode, UsageError } from '../cliErrors.js';
import { parseCommandLine, positiveIntegerOption, printJson, rejectPositionals } from '../commandLine.js';

export const REDRIVE_USAGE = `Usage: storeflow redrive --queue <ingest|transform> [options]

Moves the messages of a dead-letter queue back to its source queue (<prefix>-ingest-dlq to
<prefix>-ingest, or <prefix>-transform-dlq to <prefix>-transform), so the services try them
again; fix what made them fail first. Receive, send, then delete: a message is deleted from the
dead-letter queue only once its copy was accepted, so an interruption can duplicate a message
(the services ignore duplicates) but never lose one. Works where StartMessageMoveTask does not
(the embedded stack, LocalStack).

Options:
  --queue <name>      ingest or transform
  --max <n>           move at most n messages (default: until the dead-letter queue is empty)
  --prefix <prefix>   resource name prefix (default: $STOREFLOW_PREFIX, else storeflow)
  --json              print {"from", "to", "moved"} as JSON
  -h, --help          show this help`;

/** `storeflow redrive`: returns the exit code; throws a one-line error on failure. */
export async function redriveCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    queue: { type: 'string' },
    max: { type: 'string' },
    prefix: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(REDRIVE_USAGE);
    return ExitCode.OK;
  }
  rejectPositionals(positionals);
  if (values.queue !== 'ingest' && values.queue !== 'transform') {
    throw new UsageError(
      values.queue === undefined
        ? 'name the queue to redrive with --queue ingest or --queue transform'
        : `--queue must be ingest or transform, got '${values.queue}'`,
    );
  }
  const queue = values.queue;
  const max = positiveIntegerOption(values.max, '--max');
  const result = await withAwsTarget(env, values, async ({ clients, names }) => {
    const from = queue === 'ingest' ? names.ingestDeadLetterQueue : names.transformDeadLetterQueue;
    const to = queue === 'ingest' ? names.ingestQueue : names.transformQueue;
    const moved = await redriveDeadLetters(clients, {
      fromQueueUrl: await queueUrl(clients, from),
      toQueueUrl: await queueUrl(clients, to),
      ...(max === undefined ? {} : { maxMessages: max }),
      onProgress: (count) => process.stderr.write(`moved ${count}\n`),
    });
    return { from, to, moved };
  });
  if (values.json) printJson(result);
  else
    console.log(
      `moved ${result.moved} ${result.moved === 1 ? 'message' : 'messages'} from ${result.from} to ${result.to}`,
    );
  return ExitCode.OK;
}
