import { LineageRepository, listLineage } from '@storeflow/aws';
import { withAwsTarget } from '../awsTarget.js';
import { ExitCode } from '../cliErrors.js';
import { parseCommandLine, positiveIntegerOption, printJson, rejectPositionals } from '../commandLine.js';
import { lineageTable, parseFileStatus } from '../lineageListing.js';

export const STATUS_USAGE = `Usage: storeflow status [options]

Lists the files the pipeline has seen (the ProcessedFiles lineage table), one line per object
version, most recently updated first: key, version, dataset, status, rows read, accepted and
rejected, last update and last error. Without --status every status is read, which reads the
whole table; the listing comes from an eventually consistent index, so a change made a moment
ago may not show yet.

Options:
  --status <status>   only this status: RECEIVED, VALIDATING, DEFERRED, VALIDATED,
                      TRANSFORMING, SUCCESS or FAILED
  --limit <n>         at most n lines, the most recently updated
  --prefix <prefix>   resource name prefix (default: $STOREFLOW_PREFIX, else storeflow)
  --json              print the lineage records as JSON
  -h, --help          show this help`;

/** `storeflow status`: returns the exit code; throws a one-line error on failure. */
export async function statusCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    status: { type: 'string' },
    limit: { type: 'string' },
    prefix: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(STATUS_USAGE);
    return ExitCode.OK;
  }
  rejectPositionals(positionals);
  const status = values.status === undefined ? undefined : parseFileStatus(values.status, '--status');
  const limit = positiveIntegerOption(values.limit, '--limit');
  const records = await withAwsTarget(env, values, ({ clients, names }) =>
    listLineage(new LineageRepository({ clients, tableName: names.processedFilesTable }), {
      ...(status === undefined ? {} : { statuses: [status] }),
      ...(limit === undefined ? {} : { limit }),
    }),
  );
  if (values.json) printJson(records);
  else if (records.length === 0)
    console.log(status === undefined ? 'no files recorded' : `no ${status} files`);
  else process.stdout.write(lineageTable(records));
  return ExitCode.OK;
}
