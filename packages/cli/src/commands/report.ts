import path from 'node:path';
import { LineageRepository } from '@storeflow/aws';
import { readValidationReport } from '@storeflow/quality-report';
import { withAwsTarget } from '../awsTarget.js';
import { ExitCode, UsageError } from '../cliErrors.js';
import { parseCommandLine, printJson, rejectPositionals } from '../commandLine.js';
import { writeQualityReportPage } from '../qualityReportPage.js';
import { renderReport } from '../reportText.js';

export const REPORT_USAGE = `Usage: storeflow report <file-key> [options]
       storeflow report --html <dir> [options]

Prints the validation report of a file (validation-reports/ in the bucket): verdict, row counts,
file-level problems and the most frequent row problems with examples. <file-key> is the key the
file was uploaded as (raw/…, as 'storeflow status' lists it); the newest version is shown unless
--version names another. Each version keeps its own report and rejected rows.

With --html, writes the data-quality report of the whole pipeline instead, one self-contained
page <dir>/index.html (every file version, column completeness, problem codes by column, daily
KPI trends with their anomalies, the age of the data), and prints its path. It reads all of
lineage, the newest 50 validation reports of each dataset and the daily KPIs.

Options:
  --html <dir>         write the quality report page to <dir>/index.html
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
    html: { type: 'string' },
  });
  if (values.help) {
    console.log(REPORT_USAGE);
    return ExitCode.OK;
  }
  if (values.html !== undefined) return writeHtmlReport(values.html, positionals, values, env);
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

async function writeHtmlReport(
  dir: string,
  positionals: readonly string[],
  values: {
    version?: string | undefined;
    json?: boolean | undefined;
    prefix?: string | undefined;
    bucket?: string | undefined;
  },
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  if (dir === '') throw new UsageError('--html needs a directory');
  rejectPositionals(positionals);
  if (values.version !== undefined || values.json === true) {
    throw new UsageError('--html reports on every file: it takes neither --version nor --json');
  }
  const file = await withAwsTarget(env, values, (target) =>
    writeQualityReportPage(target, path.resolve(dir)),
  );
  console.log(file);
  return ExitCode.OK;
}
