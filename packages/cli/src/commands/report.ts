import { LineageRepository } from '@storeflow/aws';
import { readValidationReport } from '@storeflow/quality-report';
import { withAwsTarget } from '../awsTarget.js';
import { ExitCode, UsageError } from '../cliErrors.js';
import { parseCommandLine, printJson } from '../commandLine.js';
import { renderReport } from '../reportText.js';

export const REPORT_USAGE = `Usage: storeflow report <file-key> [options]

Prints the validation report of a file (validation-reports/ in the bucket): verdict, row counts,
file-level problems and the most frequent row problems with examples. <file-key> is the key the
file was uploaded as (raw/…, as 'storeflow status' lists it); the newest version is shown unless
--version names another. Each version keeps its own report and rejected rows.

Options:
  --version <version>  the object version (ETag) to show, as 'storeflow status' prints it
  --prefix <prefix>    resource name prefix (default: $STOREFLOW_PREFIX, else storeflow)
  --bucket <name>      the bucket, when it is not <prefix>-data
  --json               print the report document as stored
  -h, --help           show this help`;

/** `storeflow report`: returns the exit code; throws a one-line error on failure. */
export async function reportCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'string' },
    prefix: { type: 'string' },
    bucket: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(REPORT_USAGE);
    return ExitCode.OK;
  }
  const [sourceKey, extra] = positionals;
  if (sourceKey === undefined) throw new UsageError("name the file's key (raw/…); see --help");
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'; see --help`);
  if (!sourceKey.startsWith('raw/')) {
    throw new UsageError(`file keys start with raw/ ('storeflow status' lists them), got '${sourceKey}'`);
  }
  const { report, reportKey, record } = await withAwsTarget(env, values, async ({ clients, names }) => {
    const lineage = new LineageRepository({ clients, tableName: names.processedFilesTable });
    const found =
      values.version === undefined
        ? await lineage.latestVersion(sourceKey)
        : await lineage.get({ sourceKey, objectVersion: values.version });
    if (found === undefined) {
      const which = values.version === undefined ? sourceKey : `${sourceKey} version ${values.version}`;
      throw new Error(
        `the pipeline has no record of ${which}: check the key and version with 'storeflow status'`,
      );
    }
    if (found.reportKey === undefined) {
      throw new Error(
        `${sourceKey} is ${found.status} and has no report yet: a report is written when its validation ends`,
      );
    }
    const stored = await readValidationReport(clients, names.bucket, found.reportKey);
    if (String(stored.source.objectVersion) !== found.objectVersion) {
      // Reports are named per version; a record written while they were named per key and event
      // date can still point at a key a later version of that day took over.
      throw new Error(
        `${found.reportKey} holds the report of version ${String(stored.source.objectVersion)}, not of ${found.objectVersion}, whose report was replaced (its counts remain in 'storeflow status --json')`,
      );
    }
    return { report: stored, reportKey: found.reportKey, record: found };
  });
  if (values.json) printJson(report);
  else process.stdout.write(renderReport(report, reportKey, record));
  return ExitCode.OK;
}
