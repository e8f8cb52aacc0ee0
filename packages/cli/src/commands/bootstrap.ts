import { parseArgs } from 'node:util';
import {
  bootstrapResources,
  createAwsClients,
  DEFAULT_RESOURCE_PREFIX,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import { ExitCode, UsageError } from '../cliErrors.js';

export const BOOTSTRAP_USAGE = `Usage: storeflow bootstrap [options]

Creates or reconciles the pipeline's bucket, queues, dead-letter queues, bucket notification and
DynamoDB tables and alerts topic. Safe to run again: what exists and matches is left alone.

Targets AWS, or the endpoints in AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3, _SQS, _DYNAMODB, _SNS
(LocalStack, the embedded stack: source .local-stack/stack.env first).

Options:
  --prefix <prefix>   resource name prefix (default: ${DEFAULT_RESOURCE_PREFIX})
  --bucket <name>     bucket name when <prefix>-data is taken (S3 names are global)
  -h, --help          show this help`;

/** `storeflow bootstrap`: returns the exit code; throws a one-line error on failure. */
export async function bootstrapCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    console.log(BOOTSTRAP_USAGE);
    return ExitCode.OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; see --help`);
  const names = resourceNamesFor(values.prefix, values.bucket === undefined ? {} : { bucket: values.bucket });
  const clients = createAwsClients(resolveAwsConnection(env));
  try {
    const result = await bootstrapResources(clients, {
      names,
      onProgress: (step) => console.log(`${step.action.padEnd(9)} ${step.kind.padEnd(12)} ${step.resource}`),
    });
    console.log(`ingest queue:    ${result.ingestQueue.url}`);
    console.log(`transform queue: ${result.transformQueue.url}`);
    console.log(`alerts topic:    ${result.alertsTopicArn}`);
    return ExitCode.OK;
  } finally {
    clients.destroy();
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        prefix: { type: 'string', default: DEFAULT_RESOURCE_PREFIX },
        bucket: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('.')[0]}; see --help`);
  }
}
