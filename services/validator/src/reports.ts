import {
  type DatasetName,
  datasetContract,
  type FileIssue,
  isPipelineDataset,
  type ValidationReport,
  ValidationReportBuilder,
  type Verdict,
} from '@storeflow/core';
import type { FileContext, ValidatorDependencies } from './validatorContext.js';

/** The report of a file rejected as a whole by file-level issues, before or instead of its rows. */
export function rejectionReport(
  context: FileContext,
  fileIssues: readonly FileIssue[],
  dataset: DatasetName | 'unknown',
): ValidationReport {
  const builder = new ValidationReportBuilder(
    [],
    dataset === 'unknown' ? {} : { contract: datasetContract(context.deps.contracts, dataset) },
  );
  for (const issue of fileIssues) builder.addFileIssue(issue, 'problem');
  return buildReport(context, builder, dataset, 'REJECTED', []);
}

/** The file's report: its source, verdict, counts and samples, stamped with this run's timings. */
export function buildReport(
  context: FileContext,
  builder: ValidationReportBuilder,
  dataset: DatasetName | 'unknown',
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
    maxRejectedRowRatio: maxRejectedRowRatio(context.deps, dataset),
    touchedDates,
    timingsMs: { totalMs: context.deps.now() - context.startedAtMs },
    generatedAt: new Date(context.deps.now()).toISOString(),
  });
}

/**
 * The dataset's threshold: its contract's `maxRejectedRowRatio`, unless the environment overrides
 * it; an unroutable file is held to order_items'.
 */
export function maxRejectedRowRatio(
  deps: Pick<ValidatorDependencies, 'config' | 'contracts'>,
  dataset: DatasetName | 'unknown',
): number {
  const { config, contracts } = deps;
  const override =
    dataset !== 'unknown' && !isPipelineDataset(dataset)
      ? undefined
      : dataset === 'products'
        ? config.maxRejectedRowRatioProducts
        : dataset === 'orders'
          ? config.maxRejectedRowRatioOrders
          : config.maxRejectedRowRatioOrderItems;
  return (
    override ??
    datasetContract(contracts, dataset === 'unknown' ? 'order_items' : dataset).maxRejectedRowRatio
  );
}
