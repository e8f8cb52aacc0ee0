// Renderer benchmark: `pnpm --filter @storeflow/quality-report bench` (builds dist, then runs this
// file on the repo's Node 24, which strips the types). Renders a sample pipeline of 10,000 file
// versions and 3 years of daily KPIs (arguments: files, days) a few times and prints the median
// render time and the page's size.
import { gzipSync } from 'node:zlib';
import { renderQualityReport, sampleQualityReportData } from '@storeflow/quality-report';

const files = Number(process.argv[2] ?? 10_000);
const days = Number(process.argv[3] ?? 3 * 365);
const RUNS = 7;

const data = sampleQualityReportData({
  files,
  days,
  anomalousDays: 24,
  generatedAt: '2026-12-06T07:00:00.000Z',
});
// One warm-up render, so the median is of compiled code.
let html = renderQualityReport(data);
const timesMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = process.hrtime.bigint();
  html = renderQualityReport(data);
  timesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
}
timesMs.sort((a, b) => a - b);
const bytes = Buffer.byteLength(html);
console.log(
  JSON.stringify({
    files,
    days,
    anomalies: data.anomalies.length,
    renderMsMedian: Number((timesMs[Math.floor(RUNS / 2)] as number).toFixed(1)),
    renderMsMax: Number((timesMs[RUNS - 1] as number).toFixed(1)),
    htmlBytes: bytes,
    htmlGzipBytes: gzipSync(html).length,
  }),
);
