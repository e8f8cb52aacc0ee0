import { listStoredAnomalies } from '@storeflow/aws';
import { anomalyTable } from '../anomalyListing.js';
import { withAwsTarget } from '../awsTarget.js';
import { ExitCode } from '../cliErrors.js';
import { dateRangeOptions, parseCommandLine, printJson, rejectPositionals } from '../commandLine.js';

export const ANOMALIES_USAGE = `Usage: storeflow anomalies [options]

Prints the anomalies the pipeline currently stands by, in two scopes:
  date  for each order date, the daily KPIs and the rejected-row rate that left their expected
        range against the four weeks before (judged again whenever a date in that window is
        recomputed, so a date's list is replaced, not appended to);
  file  for each file version, its row count, reject rate and null rates against the same
        dataset's recent files (judged once, when it is validated).
One line per anomaly: the date or the file key, the metric, its value, the expected range, the
baseline it came from (history values, robust centre, spread) and the rule that fired.

Options:
  --from <YYYY-MM-DD>   first order date, or day a file landed (inclusive)
  --to <YYYY-MM-DD>     last order date, or day a file landed (inclusive)
  --prefix <prefix>     resource name prefix (default: $STOREFLOW_PREFIX, else storeflow)
  --json                print the stored anomaly objects as a JSON array
  -h, --help            show this help`;

/** `storeflow anomalies`: returns the exit code; throws a one-line error on failure. */
export async function anomaliesCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    from: { type: 'string' },
    to: { type: 'string' },
    prefix: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(ANOMALIES_USAGE);
    return ExitCode.OK;
  }
  rejectPositionals(positionals);
  const range = dateRangeOptions(values);
  const anomalies = await withAwsTarget(env, values, (target) =>
    listStoredAnomalies(target.clients, target.names.qualityTable, range),
  );
  if (values.json) {
    printJson(anomalies);
    return ExitCode.OK;
  }
  console.log('Anomalies');
  if (anomalies.length === 0) console.log('  none');
  else process.stdout.write(anomalyTable(anomalies));
  return ExitCode.OK;
}
