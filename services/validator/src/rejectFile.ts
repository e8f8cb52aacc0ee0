import { archiveObject, putJsonObject } from '@storeflow/aws';
import {
  archiveKey,
  type DatasetName,
  FileStatus,
  type IssueCode,
  type ValidationReport,
} from '@storeflow/core';
import { outputKeys } from './outputKeys.js';
import type { FileContext } from './validatorContext.js';

/**
 * Archives a rejected file to failed/ with its error document, then removes it from raw/, records
 * the REJECTED verdict, and announces it (a `file-rejected` alert).
 */
export async function rejectFile(
  context: FileContext,
  dataset: DatasetName | 'unknown',
  report: ValidationReport,
): Promise<void> {
  const { deps, key, bucket, eventTime } = context;
  const failedKey = archiveKey('failed', dataset, key.sourceKey, eventTime);
  const keys = outputKeys(dataset, key, eventTime);
  // Rows were streamed to the rejected-rows object only when the file was read to its verdict.
  const rejectedRowsKey = report.rows.rejected > 0 ? keys.rejectedRows : undefined;
  await putJsonObject(deps.clients, { bucket, key: keys.report }, report);
  // The error document first: once the raw object is gone, failed/ must already explain it.
  await putJsonObject(
    deps.clients,
    { bucket, key: `${failedKey}.error.json` },
    {
      sourceKey: key.sourceKey,
      objectVersion: key.objectVersion,
      verdict: report.verdict,
      fileIssues: report.fileIssues,
      rows: report.rows,
      ruleCounts: report.ruleCounts,
      reportKey: keys.report,
      rejectedRowsKey,
    },
  );
  await archiveObject(deps.clients, {
    bucket,
    key: key.sourceKey,
    eTag: key.objectVersion,
    destination: failedKey,
  });
  const codes = report.fileIssues.map((issue) => issue.code);
  // A file-level problem, else the verdict itself: too many rows were rejected.
  const lastError = {
    code: codes[0] ?? ('REJECTED_ROW_RATIO' satisfies IssueCode),
    message:
      report.fileIssues[0]?.message ??
      `rejected share ${report.rejectedRowRatio} above ${report.maxRejectedRowRatio}`,
    retryable: false,
  };
  await deps.lineage.complete(key, deps.config.workerId, {
    status: FileStatus.FAILED,
    verdict: 'REJECTED',
    rowsTotal: report.rows.total,
    rowsAccepted: report.rows.accepted,
    rowsRejected: report.rows.rejected,
    ruleCounts: {
      ...(report.ruleCounts as Record<string, number>),
      ...Object.fromEntries(codes.map((code) => [code, 1])),
    },
    reportKey: keys.report,
    rejectedRowsKey,
    touchedDates: [],
    lastError,
    timings: { validateMs: deps.now() - context.startedAtMs },
  });
  for (const code of codes) deps.metrics.ruleFailures.inc({ code });
  for (const [code, count] of Object.entries(report.ruleCounts))
    deps.metrics.ruleFailures.inc({ code }, count);
  deps.metrics.filesProcessed.inc({ outcome: 'rejected', dataset });
  context.log.warn({ fileIssues: codes, rows: report.rows }, 'file rejected and archived to failed/');
  // Published once, by the claim that recorded the verdict: a redelivery finds the version
  // finished and never comes here.
  await deps.alerts.publish({
    kind: 'file-rejected',
    file: { bucket, key: key.sourceKey, objectVersion: key.objectVersion, dataset },
    reason:
      `${lastError.code}: ${lastError.message} ` +
      `(rows: ${report.rows.accepted} accepted, ${report.rows.rejected} rejected of ${report.rows.total})`,
    reportKey: keys.report,
  });
}
