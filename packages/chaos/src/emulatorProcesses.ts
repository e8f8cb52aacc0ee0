import { readStackState } from '@storeflow/cli/pipeline';
import type { Emulator } from './chaosOptions.js';
import { ChaosHarnessError } from './errors.js';

/**
 * The process to pause for an emulator, read from the components the stack daemon records at the
 * moment of the pause: S3 and SQS run inside the daemon; DynamoDB Local is the JVM running now
 * (after a restart, the new one).
 *
 * @param stateDir the stack's state directory, as given to `startStackDaemon`
 * @throws ChaosHarnessError when the stack records no running process for the emulator
 */
export async function emulatorPid(stateDir: string, emulator: Emulator): Promise<number> {
  const components = (await readStackState(stateDir))?.components;
  const pid = emulator === 's3sqs' ? components?.s3Sqs.pid : components?.dynamodb.pid;
  if (pid === undefined) {
    throw new ChaosHarnessError(
      `the stack in ${stateDir} records no running ${emulator} process (${
        components === undefined ? 'no stack.components.json' : `dynamodb ${components.dynamodb.state}`
      })`,
    );
  }
  return pid;
}
