import {
  type Anomaly,
  type DatasetName,
  fileQualitySummary,
  judgeFile,
  type ValidationReport,
} from '@storeflow/core';
import type { FileContext } from './validatorContext.js';

/** The dataset's earlier files a file is judged against: enough for a robust median, one Query. */
export const FILE_HISTORY_LIMIT = 20;

/**
 * Whether a file's report says anything about its rows: a file rejected before any row was read
 * (a bad header, an empty file) has no profile, since it would only drag the dataset's history
 * towards zero; its rejection is reported as such.
 */
export function hasRowProfile(report: ValidationReport): boolean {
  return report.verdict === 'ACCEPTED' || report.rows.total > 0;
}

/**
 * Judges a validated file against its dataset's last {@link FILE_HISTORY_LIMIT} profiles before
 * its event time, keeps its profile in the quality history, and publishes one alert per anomaly
 * found. Returns the anomalies for the report.
 *
 * Rerun-safe: the first profile written for a version stands, so a redelivery or a reprocess
 * reports its anomalies again rather than judging anew against a history that has grown since;
 * the anomalies are counted once, when the profile is new; and alerts still pending when an
 * earlier run stopped (it wrote the profile, then failed or died before publishing them all) are
 * published by the next one, so an alert can go out twice but is never lost. A failure to read
 * or write the history is thrown, typed, and fails the attempt like any other store's.
 */
export async function recordFileProfile(
  context: FileContext,
  file: { dataset: DatasetName; report: ValidationReport; reportKey: string },
): Promise<readonly Anomaly[]> {
  const { deps, key, eventTime } = context;
  const summary = fileQualitySummary(
    { sourceKey: key.sourceKey, objectVersion: key.objectVersion, dataset: file.dataset, eventTime },
    file.report,
  );
  const history = await deps.profiles.recent(file.dataset, { before: eventTime, limit: FILE_HISTORY_LIMIT });
  const judged = judgeFile(
    summary,
    history.map((profile) => profile.summary),
  );
  const { created, profile } = await deps.profiles.put(summary, {
    anomalies: judged,
    reportKey: file.reportKey,
    verdict: file.report.verdict,
  });
  if (created && judged.length > 0) {
    deps.metrics.anomalies.inc({ scope: 'file' }, judged.length);
    context.log.warn(
      { anomalies: judged.map((anomaly) => anomaly.metric), history: history.length },
      'file profile is abnormal for its dataset',
    );
  }
  if (profile.alertsPending) {
    for (const anomaly of profile.anomalies) await deps.alerts.publish({ kind: 'anomaly', anomaly });
    await deps.profiles.alertsPublished(summary);
  }
  return profile.anomalies;
}
