import { utcDate } from '@storeflow/core';

/**
 * How generated timestamps are written; every style is one SPEC §2 accepts:
 * - `iso`: `2026-01-05T10:22:11`, no zone (UTC), as in the thelook sample;
 * - `iso-z`: `2026-01-05T10:22:11Z`;
 * - `offset`: `2026-01-05T11:22:11+01:00`, the customer's local time with its UTC offset;
 * - `sql`: `2026-01-05 10:22:11.123000 UTC`, as BigQuery exports thelook;
 * - `mixed`: each file takes the four styles above in turn.
 */
export const TIMESTAMP_STYLES = ['iso', 'iso-z', 'offset', 'sql', 'mixed'] as const;

export type TimestampStyle = (typeof TIMESTAMP_STYLES)[number];

/** A style one file is written in. */
export type FileTimestampStyle = Exclude<TimestampStyle, 'mixed'>;

const DAY_MS = 86_400_000;

const FILE_STYLES: readonly FileTimestampStyle[] = ['iso', 'iso-z', 'offset', 'sql'];

/** UTC offsets of the customers, in minutes east; a customer keeps one (its id picks it). */
const ZONE_OFFSETS_MINUTES = [-480, -300, -180, 0, 60, 120, 330, 540];

/** The style of the file at 0-based position `fileIndex` within its dataset. */
export function fileTimestampStyle(style: TimestampStyle, fileIndex: number): FileTimestampStyle {
  return style === 'mixed' ? (FILE_STYLES[fileIndex % FILE_STYLES.length] as FileTimestampStyle) : style;
}

/**
 * Writes an instant in a style. `zoneKey` (the customer id) picks the offset of the `offset`
 * style. Only `sql` keeps the milliseconds; the other styles drop them, which keeps the order of
 * any two instants.
 *
 * @example
 * formatTimestamp(Date.UTC(2026, 0, 5, 10, 22, 11, 123), 'sql', 1); // '2026-01-05 10:22:11.123000 UTC'
 */
export function formatTimestamp(epochMs: number, style: FileTimestampStyle, zoneKey: number): string {
  if (style === 'offset') {
    const offset = ZONE_OFFSETS_MINUTES[zoneKey % ZONE_OFFSETS_MINUTES.length] as number;
    const magnitude = Math.abs(offset);
    return `${isoSeconds(epochMs + offset * 60_000, 'T')}${offset < 0 ? '-' : '+'}${pad2(Math.floor(magnitude / 60))}:${pad2(magnitude % 60)}`;
  }
  if (style === 'iso') return isoSeconds(epochMs, 'T');
  if (style === 'iso-z') return `${isoSeconds(epochMs, 'T')}Z`;
  const millis = epochMs - Math.floor(epochMs / 1000) * 1000;
  return `${isoSeconds(epochMs, ' ')}.${String(millis).padStart(3, '0')}000 UTC`;
}

// Integer arithmetic instead of Date#toISOString, which costs several times more and is called
// for up to four columns of every row.
function isoSeconds(epochMs: number, separator: string): string {
  const day = Math.floor(epochMs / DAY_MS);
  const seconds = Math.floor((epochMs - day * DAY_MS) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds - hours * 3600) / 60);
  return `${utcDate(day * DAY_MS)}${separator}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds % 60)}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}
