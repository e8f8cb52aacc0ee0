// Anomaly detection evaluation: `pnpm --filter @storeflow/core evaluate:anomalies` (builds dist,
// then runs this file on the repo's Node 24, which strips the types). Builds seeded synthetic
// daily series shaped like the shop's (weekday seasonality, trend, noise, per metric) and file
// series (row counts, null rates, rejected rows), injects anomalies of four kinds at known places,
// and prints the precision and recall of three methods over many seeds. Optional argument: seeds
// (default 300).
import {
  addDays,
  DAILY_METRICS,
  DATE_JUDGEMENT_DEFAULTS,
  type DailyMetric,
  type DailyQualityMetrics,
  dateSpreadFloor,
  type FileQualitySummary,
  judgeDate,
  judgeFile,
  median,
  robustCentreAndSpread,
} from '@storeflow/core';

const SEEDS = Number(process.argv[2] ?? 300);
const DAYS = 91;
/** Anomalies go after the first 35 days, so every method has its full window and minimum history. */
const FIRST_INJECTED_DAY = 35;
const START = '2025-01-06';
const KINDS = ['volume-drop', 'price-spike', 'null-burst', 'reject-burst'] as const;
type Kind = (typeof KINDS)[number];

/** mulberry32: a small seeded generator, so every run prints the same table. */
function randomFor(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A binomial draw by its normal approximation, at least 0 (enough for rates of hundreds of rows). */
function binomial(random: () => number, n: number, p: number): number {
  return Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(random)));
}

interface Injection {
  readonly index: number;
  readonly kind: Kind;
}

/**
 * Four distinct days from FIRST_INJECTED_DAY on, one per kind, in random order; with `repeat`,
 * each kind again a week later (a recurring fault), so the second sits in a window holding the first.
 */
function injections(random: () => number, repeat: boolean): Injection[] {
  const last = repeat ? DAYS - 7 : DAYS;
  const days: number[] = [];
  while (days.length < KINDS.length) {
    const day = FIRST_INJECTED_DAY + Math.floor(random() * (last - FIRST_INJECTED_DAY));
    const taken = days.some((other) => other === day || (repeat && Math.abs(other - day) % 7 === 0));
    if (!taken) days.push(day);
  }
  const first = days.map((index, k) => ({ index, kind: KINDS[k] as Kind }));
  return repeat ? [...first, ...first.map(({ index, kind }) => ({ index: index + 7, kind }))] : first;
}

/**
 * One shop's days, shaped like the generator's: orders follow a weekday profile (up to ±30 %), a
 * trend (up to ±0.3 % a day) and noise (±15 %, uniform); items, revenue, customers, returns and rejected rows follow the orders with
 * noise of their own. A day's rows (orders and items) also make one orders file and one items
 * file, whose null rates (a column always set, one set for about 65 % of rows) and rejected
 * rows the file scope judges.
 */
function shop(
  seed: number,
  repeat: boolean,
): { days: DailyQualityMetrics[]; files: FileQualitySummary[]; injected: Injection[] } {
  const random = randomFor(seed);
  const amplitude = 0.3 * random();
  const weekday = Array.from({ length: 7 }, () => 1 + amplitude * (2 * random() - 1));
  const base = 150 + 250 * random();
  const trend = 0.003 * (2 * random() - 1);
  const injected = injections(random, repeat);
  const kindOn = (index: number) => injected.find((injection) => injection.index === index)?.kind;
  const days: DailyQualityMetrics[] = [];
  const files: FileQualitySummary[] = [];
  for (let index = 0; index < DAYS; index++) {
    const date = addDays(START, index);
    const kind = kindOn(index);
    const volume = kind === 'volume-drop' ? 0.4 : 1;
    const orders = Math.max(
      1,
      Math.round(
        base * (weekday[index % 7] as number) * (1 + trend * index) * (0.85 + 0.3 * random()) * volume,
      ),
    );
    const items = Math.max(orders, Math.round(orders * (2 + 0.05 * normal(random))));
    const price = 65 * (1 + 0.06 * normal(random)) * (kind === 'price-spike' ? 3 : 1);
    const revenue = Math.round(items * price * 100) / 100;
    const rows = orders + items;
    const rejectShare = 0.002 + (kind === 'reject-burst' ? 0.03 : 0);
    const rejected = binomial(random, rows, rejectShare);
    days.push({
      date,
      total_orders: orders,
      total_items_sold: items,
      total_revenue: revenue,
      avg_order_value: Math.round((revenue / orders) * 100) / 100,
      return_rate: binomial(random, orders, 0.1) / orders,
      unique_customers: Math.min(orders, binomial(random, orders, 0.98)),
      rejected_row_rate: rejected / rows,
    });
    const nullShare = (steady: number) => (kind === 'null-burst' ? 0.9 : steady);
    for (const [dataset, count] of [
      ['orders', orders],
      ['order_items', items],
    ] as const) {
      files.push({
        key: `${dataset}/${date}@1`,
        dataset,
        eventTime: `${date}T23:00:00.000Z`,
        rows: count,
        rejectedRowRatio: binomial(random, count, rejectShare) / count,
        nullRates: {
          always_set: binomial(random, count, nullShare(0)) / count,
          mostly_set: binomial(random, count, nullShare(0.35)) / count,
        },
      });
    }
  }
  return { days, files, injected };
}

type DateJudge = (day: DailyQualityMetrics, history: readonly DailyQualityMetrics[]) => boolean;

/** A judge without weekday factors, the centre and spread of each metric's window given by `estimate`. */
function plainJudge(estimate: (values: number[]) => { centre: number; spread: number }): DateJudge {
  const { windowDays, minHistory, threshold, relativeSpreadFloor } = DATE_JUDGEMENT_DEFAULTS;
  return (day, history) => {
    const windowStart = addDays(day.date, -windowDays);
    const window = history.filter((entry) => entry.date >= windowStart && entry.date < day.date);
    return DAILY_METRICS.some((metric: DailyMetric) => {
      const value = day[metric];
      const past = window.flatMap((entry) => (entry[metric] === undefined ? [] : [entry[metric] as number]));
      if (value === undefined || past.length < minHistory) return false;
      const { centre, spread } = estimate(past);
      const floor = dateSpreadFloor(metric, centre, relativeSpreadFloor);
      return Math.abs(value - centre) > threshold * Math.max(spread, floor);
    });
  };
}

function meanAndStandardDeviation(values: number[]): { centre: number; spread: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { centre: mean, spread: Math.sqrt(variance) };
}

const DATE_METHODS: Record<string, DateJudge> = {
  'mean/stddev z>4': plainJudge(meanAndStandardDeviation),
  'median/MAD z>4': plainJudge(robustCentreAndSpread),
  'median/MAD + weekday, 5% floor': (day, history) =>
    judgeDate(day, history, { relativeSpreadFloor: 0.05 }).length > 0,
  'median/MAD + weekday, 10% floor': (day, history) =>
    judgeDate(day, history, { relativeSpreadFloor: 0.1 }).length > 0,
  'median/MAD + weekday, 12.5% floor (ours)': (day, history) => judgeDate(day, history).length > 0,
  'median/MAD + weekday, 15% floor': (day, history) =>
    judgeDate(day, history, { relativeSpreadFloor: 0.15 }).length > 0,
};

type FileJudge = (file: FileQualitySummary, history: readonly FileQualitySummary[]) => boolean;

/** The file scope by mean and standard deviation, with judgeFile's floors. */
const meanFileJudge: FileJudge = (file, history) => {
  if (history.length < 5) return false;
  const checks: [number, number[], number][] = [
    [
      file.rows,
      history.map((entry) => entry.rows),
      Math.max(median(history.map((entry) => entry.rows)) * 0.1, 1),
    ],
    [file.rejectedRowRatio, history.map((entry) => entry.rejectedRowRatio), 0.005],
    ...Object.entries(file.nullRates).map(([column, rate]): [number, number[], number] => [
      rate,
      history.map((entry) => entry.nullRates[column] ?? 0),
      0.02,
    ]),
  ];
  return checks.some(([value, past, floor]) => {
    const { centre, spread } = meanAndStandardDeviation(past);
    return Math.abs(value - centre) > 4 * Math.max(spread, floor);
  });
};

const FILE_METHODS: Record<string, FileJudge> = {
  'mean/stddev z>4': meanFileJudge,
  'median/MAD z>4 (ours)': (file, history) => judgeFile(file, history).length > 0,
};

interface Tally {
  flagged: number;
  falseAlarms: number;
  found: Record<string, number>;
  injected: Record<string, number>;
}

function emptyTally(): Tally {
  return { flagged: 0, falseAlarms: 0, found: {}, injected: {} };
}

function count(tally: Tally, kind: Kind | undefined, flagged: boolean): void {
  if (flagged) tally.flagged += 1;
  if (kind === undefined) {
    if (flagged) tally.falseAlarms += 1;
    return;
  }
  tally.injected[kind] = (tally.injected[kind] ?? 0) + 1;
  if (flagged) tally.found[kind] = (tally.found[kind] ?? 0) + 1;
}

function evaluate(repeat: boolean): {
  dateTallies: Record<string, Tally>;
  fileTallies: Record<string, Tally>;
} {
  const dateTallies = Object.fromEntries(Object.keys(DATE_METHODS).map((name) => [name, emptyTally()]));
  const fileTallies = Object.fromEntries(Object.keys(FILE_METHODS).map((name) => [name, emptyTally()]));
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { days, files, injected } = shop(seed, repeat);
    const kindOn = (index: number) => injected.find((injection) => injection.index === index)?.kind;
    // Shuffled, so a method that depended on the history's order would show it.
    const shuffle = randomFor(seed + 1_000_003);
    const history = days
      .map((day) => ({ day, order: shuffle() }))
      .sort((a, b) => a.order - b.order)
      .map(({ day }) => day);
    for (const [name, judge] of Object.entries(DATE_METHODS)) {
      for (let index = FIRST_INJECTED_DAY; index < DAYS; index++) {
        const kind = kindOn(index);
        // The date scope cannot see a null burst: it judges KPIs and the rejected-row rate only.
        if (kind === 'null-burst') continue;
        count(dateTallies[name] as Tally, kind, judge(days[index] as DailyQualityMetrics, history));
      }
    }
    for (const [name, judge] of Object.entries(FILE_METHODS)) {
      for (let index = 2 * FIRST_INJECTED_DAY; index < files.length; index++) {
        const file = files[index] as FileQualitySummary;
        const kind = kindOn(Math.floor(index / 2));
        // The file scope sees no KPI: a volume drop or a price spike is the date scope's.
        if (kind === 'volume-drop' || kind === 'price-spike') continue;
        const recent = files
          .slice(0, index)
          .filter((entry) => entry.dataset === file.dataset)
          .slice(-28);
        count(fileTallies[name] as Tally, kind, judge(file, recent));
      }
    }
  }
  return { dateTallies, fileTallies };
}

function printTable(title: string, tallies: Record<string, Tally>, kinds: readonly Kind[]): void {
  const percent = (part: number, whole: number) =>
    whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
  console.log(`\n${title} (${SEEDS} seeds)\n`);
  console.log(
    `| method | precision | recall | ${kinds.map((kind) => `recall ${kind}`).join(' | ')} | false alarms |`,
  );
  console.log(`|---|---|---|${kinds.map(() => '---|').join('')}---|`);
  for (const [name, tally] of Object.entries(tallies)) {
    const found = kinds.reduce((sum, kind) => sum + (tally.found[kind] ?? 0), 0);
    const injected = kinds.reduce((sum, kind) => sum + (tally.injected[kind] ?? 0), 0);
    const perKind = kinds.map((kind) => percent(tally.found[kind] ?? 0, tally.injected[kind] ?? 0));
    console.log(
      `| ${name} | ${percent(found, tally.flagged)} | ${percent(found, injected)} | ${perKind.join(' | ')} | ${tally.falseAlarms} |`,
    );
  }
}

const DATE_KINDS: readonly Kind[] = ['volume-drop', 'price-spike', 'reject-burst'];
const FILE_KINDS: readonly Kind[] = ['null-burst', 'reject-burst'];
const once = evaluate(false);
printTable(
  'Date scope, one anomaly of each kind: a day flagged when any metric is abnormal',
  once.dateTallies,
  DATE_KINDS,
);
printTable(
  'File scope, one anomaly of each kind: a file flagged when any check is abnormal',
  once.fileTallies,
  FILE_KINDS,
);
const twice = evaluate(true);
printTable('Date scope, each kind again a week later', twice.dateTallies, DATE_KINDS);
printTable('File scope, each kind again a week later', twice.fileTallies, FILE_KINDS);
