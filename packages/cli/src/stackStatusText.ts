import type { StackState } from './stackState.js';

/**
 * What `stack status` says of each process of the stack (state, pid, restarts) and, for a
 * DynamoDB Local that is down or silent, how to recover. Nothing when the daemon has not recorded
 * its components.
 *
 * @param dynamodbAnswers whether DynamoDB's endpoint answered just now
 * @param stateDirOption ` --state-dir <dir>` when the state directory is not the default, for the
 *   commands it suggests
 */
export function componentLines(
  state: StackState,
  dynamodbAnswers: boolean,
  stateDirOption: string,
): string[] {
  const components = state.components;
  if (components === undefined) return [];
  const dynamodb = components.dynamodb;
  const details = [
    ...(dynamodb.pid === undefined ? [] : [`pid ${dynamodb.pid}`]),
    ...(dynamodb.restarts === 0
      ? []
      : [`restarted ${dynamodb.restarts} time${dynamodb.restarts === 1 ? '' : 's'}`]),
  ];
  const lines = [
    'components:',
    `  s3-sqs   ${components.s3Sqs.state} (pid ${components.s3Sqs.pid}, the daemon)`,
    `  dynamodb ${dynamodb.state}${details.length === 0 ? '' : ` (${details.join(', ')})`}`,
  ];
  const up = `storeflow stack up${stateDirOption}`;
  if (dynamodb.state === 'down') {
    lines.push(`DynamoDB Local is down: ${dynamodb.reason ?? 'it exited'}`);
    lines.push(
      state.dataDir === undefined
        ? `to recover: storeflow stack down${stateDirOption}, then ${up} (in memory: its data is lost; up bootstraps the resources again)`
        : `to recover: ${up} (restarts the stack on its data in ${state.dataDir}; nothing is lost)`,
    );
  } else if (dynamodb.state === 'restarting') {
    lines.push(`DynamoDB Local is restarting: ${dynamodb.reason ?? 'it exited'}; ask again in a few seconds`);
  } else if (!dynamodbAnswers) {
    lines.push(
      `DynamoDB Local (pid ${dynamodb.pid}) runs but does not answer: 'kill -CONT ${dynamodb.pid}' resumes it if it was stopped${state.dataDir === undefined ? '' : `; ${up} restarts the stack on its data`}`,
    );
  }
  return lines;
}
