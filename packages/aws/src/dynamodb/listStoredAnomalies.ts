import type { Anomaly } from '@storeflow/core';
import type { AwsClients } from '../createAwsClients.js';
import { DateAnomalyStore } from './DateAnomalyStore.js';
import { FileProfileStore } from './FileProfileStore.js';

/**
 * Inclusive `YYYY-MM-DD` bounds of a listing, either open: the order date for the date scope, the
 * day the file landed (its event time) for the file scope.
 */
export interface AnomalyRange {
  readonly from?: string;
  readonly to?: string;
}

/**
 * Every anomaly the pipeline currently stands by, the one read that `storeflow anomalies`, the
 * demo and the quality report share: the date scope's current verdicts in date order, then the
 * file scope's (each file version's first judgement) by dataset and event time. Both live in the
 * quality table.
 *
 * @example
 * await listStoredAnomalies(clients, names.qualityTable, { from: '2025-04-01', to: '2025-04-30' });
 */
export async function listStoredAnomalies(
  clients: AwsClients,
  qualityTable: string,
  range: AnomalyRange = {},
): Promise<Anomaly[]> {
  const dates = new DateAnomalyStore({ clients, tableName: qualityTable });
  const files = new FileProfileStore({ clients, tableName: qualityTable });
  const [dateAnomalies, fileAnomalies] = await Promise.all([
    dates.listAnomalies(range.from, range.to),
    files.listAnomalies(range),
  ]);
  return [...dateAnomalies, ...fileAnomalies];
}
