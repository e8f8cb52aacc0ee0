/**
 * Where a raw object is archived once the pipeline is done with it (SPEC §5):
 * `processed/<dataset>/YYYY/MM/DD/<path>` or `failed/<dataset>/YYYY/MM/DD/<path>`, dated by the
 * object's event time (UTC), `<path>` being the key below its dataset folder.
 */
export function archiveKey(
  outcome: 'processed' | 'failed',
  dataset: string,
  sourceKey: string,
  eventTime: string,
): string {
  const [year, month, day] = eventTime.slice(0, 10).split('-');
  return `${outcome}/${dataset}/${year}/${month}/${day}/${relativeToDataset(sourceKey)}`;
}

/** `raw/orders/2025/a.csv` → `2025/a.csv`; `raw/orders_2025.csv` → `orders_2025.csv`. */
export function relativeToDataset(sourceKey: string): string {
  const parts = sourceKey.split('/');
  // raw/<dataset folder>/<rest…>, or raw/<file> for keys routed by file name
  return parts.length >= 3 ? parts.slice(2).join('/') : (parts[parts.length - 1] ?? sourceKey);
}
