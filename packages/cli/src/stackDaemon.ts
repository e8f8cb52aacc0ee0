import { parseArgs } from 'node:util';
import { type DynamoDbChange, type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { writeStackComponents } from './stackState.js';

// Background entry of `storeflow stack up`: runs the stack until SIGTERM or SIGINT, and tells the
// parent over IPC when it is ready or why it failed. Its output goes to `<state-dir>/stack.log`.

/** What the daemon tells `storeflow stack up` over IPC, once. */
export type DaemonMessage =
  | {
      type: 'ready';
      pid: number;
      endpoints: { s3: string; sqs: string; dynamodb: string; sns: string };
      region: string;
      env: Record<string, string>;
    }
  | { type: 'failed'; message: string };

const { values } = parseArgs({
  options: {
    's3-port': { type: 'string' },
    'dynamodb-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'state-dir': { type: 'string' },
  },
});
const stateDir = values['state-dir'];

function send(message: DaemonMessage): void {
  process.send?.(message);
  process.disconnect?.();
}

/** Where the stack's owner looks: a line in stack.log, and the components in the state directory. */
function reportDynamodbChange(stack: EmbeddedStack, change: DynamoDbChange): void {
  const { status, event, error } = change;
  const line = `${new Date().toISOString()} DynamoDB Local ${event}: ${status.reason ?? `running, pid ${status.pid}`}`;
  if (event === 'restarted') console.log(line);
  // Loud: an in-memory DynamoDB Local that died took its tables with it.
  else if (error === undefined) console.error(status.persisted ? line : `${line} (DATA LOST)`);
  else console.error(line, error);
  if (stateDir !== undefined) {
    writeStackComponents(stateDir, stack.components()).catch((writeError: unknown) =>
      console.error(`${new Date().toISOString()} could not record the stack's components`, writeError),
    );
  }
}

try {
  let started: EmbeddedStack | undefined;
  const stack = await startEmbeddedStack({
    s3SqsPort: Number(values['s3-port'] ?? 0),
    dynamodbPort: Number(values['dynamodb-port'] ?? 0),
    ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
    onDeliveryError: (error) =>
      console.error(`${new Date().toISOString()} S3 event not delivered: ${error.message}`),
    // A change can only come once the stack has started: its first start fails as a whole.
    onDynamodbChange: (change) => {
      if (started !== undefined) reportDynamodbChange(started, change);
    },
  });
  started = stack;
  if (stateDir !== undefined) await writeStackComponents(stateDir, stack.components());
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${new Date().toISOString()} ${signal} received, stopping`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown).on('SIGINT', shutdown);
  console.log(`${new Date().toISOString()} stack ready ${JSON.stringify(stack.endpoints)}`);
  send({
    type: 'ready',
    pid: process.pid,
    endpoints: stack.endpoints,
    region: stack.region,
    env: stack.env(),
  });
} catch (error) {
  console.error(error);
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
