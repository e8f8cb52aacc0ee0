// Parser benchmark: `pnpm --filter @storeflow/core bench` (builds dist, then runs this file on
// the repo's Node 24, which strips the types). Each parser runs in its own child process so that
// peak RSS belongs to it alone. Optional argument: rows (default 1,000,000).
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCsv, parseCsvWithFastCsv, type RecordParser } from '@storeflow/core';

const PARSERS: Record<string, RecordParser | undefined> = {
  decodeOnly: undefined,
  parseCsv,
  parseCsvWithFastCsv,
};
const CHUNK_BYTES = 65_536;
const STATUSES = ['Complete', 'Shipped', 'Processing', 'Cancelled', 'Returned'];

/** A thelook-like order_items file: same columns and value shapes, deterministic. */
function generateOrderItems(file: string, rows: number): void {
  const lines = [
    'id,order_id,user_id,product_id,inventory_item_id,status,created_at,shipped_at,delivered_at,returned_at,sale_price',
  ];
  for (let i = 1; i <= rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const created = `2024-03-${day} 10:${String(i % 60).padStart(2, '0')}:11+00:00`;
    const status = STATUSES[i % STATUSES.length];
    const shipped = status === 'Processing' ? '' : `2024-03-${day} 18:00:00+00:00`;
    const returned = status === 'Returned' ? `2024-04-${day} 09:00:00+00:00` : '';
    lines.push(
      `${i},${Math.ceil(i / 3)},${(i * 7) % 100_000},${(i * 13) % 29_120},${i + 500_000},${status},${created},${shipped},,${returned},${((i % 9_000) / 100 + 1).toFixed(2)}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Child mode: parse the file with one parser and print one JSON line of measurements. */
async function measure(name: string, file: string): Promise<void> {
  const parser = PARSERS[name];
  const source = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let rows = 0;
  let peakHeap = 0;
  const started = process.hrtime.bigint();
  if (parser === undefined) {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of source) {
      const text = decoder.decode(chunk, { stream: true });
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) rows++;
    }
    rows--; // the header
  } else {
    for await (const event of parser(source)) {
      if (event.type === 'batch') {
        rows += event.batch.rows.length;
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ name, rows, seconds, peakRssBytes, peakHeap }));
}

function runAll(rows: number): void {
  const file = path.join(tmpdir(), `storeflow-bench-order-items-${rows}.csv`);
  if (!existsSync(file)) generateOrderItems(file, rows);
  console.log(
    `order_items, ${rows.toLocaleString('en')} rows, ${CHUNK_BYTES / 1024} KiB chunks, Node ${process.version}`,
  );
  console.log('| parser | rows/s | seconds | peak RSS | peak heap used |');
  console.log('|---|---:|---:|---:|---:|');
  for (const name of Object.keys(PARSERS)) {
    const output = execFileSync(process.execPath, [import.meta.filename, '--child', name, file], {
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as {
      rows: number;
      seconds: number;
      peakRssBytes: number;
      peakHeap: number;
    };
    if (result.rows !== rows) throw new Error(`${name} read ${result.rows} rows, expected ${rows}`);
    const mb = (bytes: number): string => (bytes === 0 ? '-' : `${Math.round(bytes / 1024 / 1024)} MB`);
    console.log(
      `| ${name} | ${Math.round(result.rows / result.seconds).toLocaleString('en')} | ${result.seconds.toFixed(2)} | ${mb(result.peakRssBytes)} | ${mb(result.peakHeap)} |`,
    );
  }
}

const [mode, name, file] = process.argv.slice(2);
if (mode === '--child' && name !== undefined && file !== undefined) await measure(name, file);
else runAll(Number(mode ?? 1_000_000));
