import {
  type Dataset,
  type FileIssue,
  type ValidationReport,
  ValidationReportBuilder,
  type Verdict,
} from '@storeflow/core';
import type { ValidatorConfig } from './config.js';
import type { FileContext } from './validatorContext.js';

/** The report of a file rejected as a whole by file-level issues, before or instead of its rows. */
export function rejectionReport(
  context: FileContext,
  fileIssues: readonly FileIssue[],
  dataset: Dataset | 'unknown',
): ValidationReport {
  const builder = new ValidationReportBuilder([]);
  for (const issue of fileIssues) builder.addFileIssue(issue, 'problem');
  return buildReport(context, builder, dataset, 'REJECTED', []);
}

/** The file's report: its source, verdict, counts and samples, stamped with this run's timings. */
export function buildReport(
  context: FileContext,
  builder: ValidationReportBuilder,
  dataset: Dataset | 'unknown',
  verdict: Verdict,
  touchedDates: readonly string[],
): ValidationReport {
  return builder.build({
    source: {
      bucket: context.bucket,
      key: context.key.sourceKey,
      objectVersion: context.key.objectVersion,
      eventTime: context.eventTime,
      dataset,
    },
    verdict,
    maxRejectedRowRatio: maxRejectedRowRatio(context.deps.config, dataset),
    touchedDates,
    timingsMs: { totalMs: context.deps.now() - context.startedAtMs },
    generatedAt: new Date(context.deps.now()).toISOString(),
  });
}

/** The dataset's threshold; an unroutable file is held to the strictest default, order_items'. */
export function maxRejectedRowRatio(config: Readonly<ValidatorConfig>, dataset: Dataset | 'unknown'): number {
  if (dataset === 'products') return config.maxRejectedRowRatioProducts;
  if (dataset === 'orders') return config.maxRejectedRowRatioOrders;
  return config.maxRejectedRowRatioOrderItems;
}
