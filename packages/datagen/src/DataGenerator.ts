import {
  type ContractSet,
  type Dataset,
  DEFAULT_MAX_REJECTED_ROW_RATIO,
  decideVerdict,
  formatCents,
  InvalidOptionError,
  type IssueCode,
  type OrderStatus,
  type Verdict,
} from '@storeflow/core';
import {
  ANOMALY_KINDS,
  type AnomalyKind,
  isAnomalyKind,
  NULL_BURST_SHARE,
  PRICE_SPIKE_FACTOR,
  REJECT_BURST_ERROR_KINDS,
  REJECT_BURST_EVERY,
  VOLUME_DROP_SHARE,
} from './anomalyKinds.js';
import {
  ADJECTIVES,
  BRANDS,
  CATEGORIES,
  COLOURS,
  type Department,
  DISTRIBUTION_CENTERS,
} from './catalogue.js';
import {
  type CorruptionContext,
  DEFAULT_ERROR_KINDS,
  ERROR_KINDS,
  type ErrorKind,
  type ErrorKindSpec,
  errorKindCode,
  errorKindDatasets,
  errorKindShows,
  type RowTimes,
} from './errorKinds.js';
import {
  type ColumnLayouts,
  contractLayouts,
  formatLine,
  headerLine,
  RowDraft,
  SHIPPED_LAYOUTS,
} from './rowFormat.js';
import { cumulativeWeights, hashString, mix32, SeededRandom } from './SeededRandom.js';
import { fileTimestampStyle, formatTimestamp, TIMESTAMP_STYLES } from './timestampStyles.js';
import type {
  DataGeneratorOptions,
  DatasetTotals,
  FileExpectation,
  GeneratedFile,
  GenerateOptions,
  GenerationManifest,
} from './types.js';

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Text handed to the writer at once: big enough to amortise stream overhead, small enough to stay flat. */
const CHUNK_CHARS = 64 * 1024;
/** Orders per customer, on average. */
const ORDERS_PER_USER = 1.6;
const SKU_MULTIPLIER = 48_271_459;
/** Share of the orders of an orders file whose items go to the previous items file (`lateItems`). */
const LATE_ITEMS_SHARE = 0.02;

/** The defaults of `storeflow generate`: a few thousand orders over a month, and a handful of errors. */
export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  seed: 'storeflow',
  orders: 3000,
  days: 30,
  products: 1000,
  files: 4,
  format: 'csv',
  gzip: false,
  startDate: '2026-01-01',
  timestamps: 'iso',
  errorRate: 0.001,
  errorKinds: DEFAULT_ERROR_KINDS,
  lateItems: false,
  dailyFiles: false,
  anomalies: [],
};

/** thelook's status mix: most orders are on their way or done, one in seven is cancelled. */
const STATUSES: readonly OrderStatus[] = ['processing', 'shipped', 'complete', 'cancelled', 'returned'];
const STATUS_WEIGHTS = cumulativeWeights([20, 30, 25, 15, 10]);
/** Items per order, 1 to 5. */
const BASKET_WEIGHTS = cumulativeWeights([45, 27, 15, 9, 4]);
/** Orders per UTC hour of the day: quiet nights, a lunch peak and an evening peak. */
const HOUR_WEIGHTS = cumulativeWeights([
  2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 9, 10, 10, 9, 8, 8, 9, 10, 11, 11, 9, 6, 4,
]);
/** Relative order volume by day of week, Sunday first. */
const WEEKDAY_FACTORS = [1.2, 0.95, 0.95, 1, 1, 1.1, 1.25];
const CATEGORY_WEIGHTS = cumulativeWeights(CATEGORIES.map((category) => category.weight));

interface Injection {
  readonly kind: ErrorKind;
  readonly variant: number;
}

interface ProductRecord {
  readonly id: number;
  readonly costCents: number;
  readonly category: string;
  readonly name: string;
  readonly brand: string;
  readonly retailPriceCents: number;
  readonly department: Department;
  readonly sku: string;
  readonly distributionCenterId: number;
  readonly injection: Injection | undefined;
}

interface OrderRecord extends RowTimes {
  readonly orderId: number;
  readonly userId: number;
  readonly gender: 'F' | 'M';
  readonly status: OrderStatus;
  readonly numOfItem: number;
  readonly injection: Injection | undefined;
}

interface ItemRecord extends RowTimes {
  readonly id: number;
  readonly orderId: number;
  readonly userId: number;
  readonly productId: number;
  readonly inventoryItemId: number;
  readonly status: OrderStatus;
  readonly salePriceCents: number;
  readonly injection: Injection | undefined;
}

interface GeneratedOrder {
  readonly order: OrderRecord;
  readonly items: readonly ItemRecord[];
}

/** Counts of one file while it is written. */
class FileTally {
  total = 0;
  accepted = 0;
  rejected = 0;
  lateReferences = 0;
  readonly ruleCounts = new Map<IssueCode, number>();
  readonly injected = new Map<ErrorKind, number>();
  readonly rejectedRows: number[] = [];

  accept(): void {
    this.total += 1;
    this.accepted += 1;
  }

  reject(codes: readonly IssueCode[]): void {
    this.total += 1;
    this.rejected += 1;
    this.rejectedRows.push(this.total);
    for (const code of codes) this.ruleCounts.set(code, (this.ruleCounts.get(code) ?? 0) + 1);
  }

  inject(kind: ErrorKind): void {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
  }
}

/**
 * Generates a realistic, thelook-like set of extracts (products, orders, order_items) from a
 * seed, and says exactly what the validator will make of each file.
 *
 * Pure and deterministic: no clock, no I/O. Files come as text chunks for the caller to write.
 * Memory does not grow with the number of orders: a product's price, department and usability
 * are kept (a few bytes per product), orders and their items are generated day by day as the
 * chunks are pulled, each day from its own random stream.
 *
 * Files must be generated in the order of {@link files} (products, orders, order_items), each
 * once: what an items file expects depends on the verdicts of the files before it.
 *
 * Given `contracts`, the files follow them: headers and JSON keys are the columns' physical
 * names, and columns a contract does not define are not written. The manifest still expects the
 * shipped contracts' checks, which a contract may rename but must otherwise keep for the
 * expectations to hold (a contract that tightens a range or adds a rule rejects rows the
 * manifest counts as accepted).
 *
 * @throws InvalidOptionError from the constructor when an option is out of range
 * @example
 * const generator = new DataGenerator({ seed: '7', orders: 500 });
 * const mapped = new DataGenerator({ seed: '7', orders: 500, contracts: loadContractFiles(['my-contracts/']) });
 * for (const file of generator.files) await write(file.key, generator.chunks(file));
 * const manifest = generator.manifest();
 */
export class DataGenerator {
  readonly options: GenerateOptions;
  readonly files: readonly GeneratedFile[];
  /** The columns each dataset's files hold, by the names written. */
  readonly #layouts: ColumnLayouts;
  /** True when the layouts come from contracts, which the manifest then records. */
  readonly #fromContracts: boolean;
  readonly #startMs: number;
  readonly #users: number;
  readonly #seedHash: number;
  /** Id of the first order of each day; one more entry, the id after the last order. */
  readonly #firstOrderOfDay: Float64Array;
  /** Id of the first item of each day; items of orders given an error keep their ids unused. */
  readonly #firstItemOfDay: Float64Array;
  /** First id of each file, and one past the last id at the end. */
  readonly #productStarts: number[];
  readonly #orderStarts: number[];
  /** The order ids whose items each items file holds. */
  readonly #itemOrderStarts: number[];
  readonly #retailPriceCents: Int32Array;
  /** 1 when a product has no error that rejects it, so items may refer to it. */
  readonly #usable: Uint8Array;
  readonly #usableByDepartment: Readonly<Record<Department, Int32Array>>;
  readonly #kindsFor: Readonly<Record<Dataset, readonly ErrorKind[]>>;
  readonly #burstKindsFor: Readonly<Record<Dataset, readonly ErrorKind[]>>;
  /** Day index → the anomaly kinds injected on it. */
  readonly #anomaliesOfDay: ReadonlyMap<number, ReadonlySet<AnomalyKind>>;
  readonly #expectations: FileExpectation[] = [];
  readonly #verdicts: Record<Dataset, Verdict[]> = { products: [], orders: [], order_items: [] };
  #next = 0;

  constructor(options: DataGeneratorOptions = {}) {
    const { contracts, ...generateOptions } = options;
    // An option given as undefined takes its default, as an option left out does.
    const given = Object.fromEntries(
      Object.entries(generateOptions).filter(([, value]) => value !== undefined),
    );
    this.options = checkOptions({ ...DEFAULT_GENERATE_OPTIONS, ...given });
    this.#fromContracts = contracts !== undefined;
    this.#layouts = layoutsOf(contracts);
    checkAnomalyColumns(this.options, this.#layouts);
    const { seed, orders, days, products, files } = this.options;
    this.#startMs = Date.parse(`${this.options.startDate}T00:00:00Z`);
    this.#users = Math.max(1, Math.round(orders / ORDERS_PER_USER));
    this.#seedHash = hashString(seed);
    // A kind only goes where the files hold the columns it is seen through (contracts may drop some).
    const kindsOf = (kinds: readonly ErrorKind[], dataset: Dataset) =>
      kinds.filter(
        (kind) =>
          errorKindDatasets(kind).includes(dataset) && errorKindShows(kind, this.#layouts[dataset].logical),
      );
    this.#kindsFor = {
      products: kindsOf(this.options.errorKinds, 'products'),
      orders: kindsOf(this.options.errorKinds, 'orders'),
      order_items: kindsOf(this.options.errorKinds, 'order_items'),
    };
    this.#burstKindsFor = {
      products: [],
      orders: kindsOf(REJECT_BURST_ERROR_KINDS, 'orders'),
      order_items: kindsOf(REJECT_BURST_ERROR_KINDS, 'order_items'),
    };
    const anomaliesOfDay = new Map<number, Set<AnomalyKind>>();
    for (const { date, kind } of this.options.anomalies) {
      const day = Math.round((Date.parse(`${date}T00:00:00Z`) - this.#startMs) / DAY_MS);
      anomaliesOfDay.set(day, (anomaliesOfDay.get(day) ?? new Set()).add(kind));
    }
    this.#anomaliesOfDay = anomaliesOfDay;

    this.#firstOrderOfDay = prefixStarts(this.#ordersPerDay());
    this.#firstItemOfDay = new Float64Array(days + 1);
    this.#firstItemOfDay[0] = 1;
    for (let day = 0; day < days; day++) {
      const basket = new SeededRandom(seed, 'basket', day);
      let items = 0;
      const count = (this.#firstOrderOfDay[day + 1] as number) - (this.#firstOrderOfDay[day] as number);
      for (let i = 0; i < count; i++) items += 1 + basket.weighted(BASKET_WEIGHTS);
      this.#firstItemOfDay[day + 1] = (this.#firstItemOfDay[day] as number) + items;
    }

    // Daily files are a history: the catalogue once, then each day's orders and items.
    const productFiles = this.options.dailyFiles ? 1 : files;
    this.#productStarts = evenStarts(products, productFiles);
    this.#orderStarts = this.options.dailyFiles
      ? Array.from(this.#firstOrderOfDay)
      : evenStarts(orders, files);
    this.#itemOrderStarts = this.#orderStarts.map((start, k) => {
      if (!this.options.lateItems || k === 0 || k === files) return start;
      const size = (this.#orderStarts[k + 1] as number) - start;
      return start + Math.min(Math.max(1, Math.floor(size * LATE_ITEMS_SHARE)), size - 1);
    });

    this.#retailPriceCents = new Int32Array(products + 1);
    this.#usable = new Uint8Array(products + 1);
    const departments = new Uint8Array(products + 1);
    for (let k = 0; k < productFiles; k++) {
      for (const product of this.#productsOf(k)) {
        this.#retailPriceCents[product.id] = product.retailPriceCents;
        departments[product.id] = product.department === 'Men' ? 0 : 1;
        if (product.injection === undefined || checkOf(product.injection.kind) === 'duplicate') {
          this.#usable[product.id] = 1;
        }
      }
    }
    const usableOf = (department: number): Int32Array => {
      const ids: number[] = [];
      for (let id = 1; id <= products; id++) {
        if (this.#usable[id] === 1 && departments[id] === department) ids.push(id);
      }
      return Int32Array.from(ids);
    };
    this.#usableByDepartment = { Men: usableOf(0), Women: usableOf(1) };

    const filesOf = (dataset: Dataset, dates: readonly string[]): GeneratedFile[] =>
      dates.map((date, index) => ({
        dataset,
        number: index + 1,
        key: sourceKey(dataset, date, index + 1, this.options),
        timestampStyle: fileTimestampStyle(this.options.timestamps, index),
      }));
    this.files = [
      ...filesOf(
        'products',
        this.#productStarts.slice(0, productFiles).map(() => this.options.startDate),
      ),
      ...filesOf(
        'orders',
        this.#orderStarts.slice(0, files).map((id) => this.#dateOfOrder(id)),
      ),
      ...filesOf(
        'order_items',
        this.#itemOrderStarts.slice(0, files).map((id) => this.#dateOfOrder(id)),
      ),
    ];
  }

  /**
   * The text of one file, in chunks of about 64 Ki characters, produced as they are pulled.
   *
   * @throws Error when `file` is not the next file of {@link files}
   */
  *chunks(file: GeneratedFile): Generator<string, void, undefined> {
    if (this.files[this.#next] !== file) {
      throw new Error(
        `generate the files in the order of DataGenerator.files: next is ${this.files[this.#next]?.key}`,
      );
    }
    const tally = new FileTally();
    const index = file.number - 1;
    const lines =
      file.dataset === 'products'
        ? this.#productLines(index, tally)
        : file.dataset === 'orders'
          ? this.#orderLines(file, tally)
          : this.#itemLines(file, tally);
    let chunk = headerLine(this.#layouts[file.dataset], this.options.format);
    for (const line of lines) {
      chunk += line;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
    this.#finish(file, tally);
  }

  /**
   * What the validator will make of every file, once all of them have been generated.
   *
   * @throws Error when a file has not been generated yet
   */
  manifest(): GenerationManifest {
    if (this.#expectations.length !== this.files.length) {
      throw new Error(
        `the manifest needs every file generated first: ${this.#expectations.length} of ${this.files.length}`,
      );
    }
    const totalsOf = (dataset: Dataset): DatasetTotals => {
      const files = this.#expectations.filter((file) => file.dataset === dataset);
      const sum = (pick: (file: FileExpectation) => number) =>
        files.reduce((total, file) => total + pick(file), 0);
      return {
        files: files.length,
        rejectedFiles: files.filter((file) => file.verdict === 'REJECTED').length,
        rows: {
          total: sum((file) => file.rows.total),
          accepted: sum((file) => file.rows.accepted),
          rejected: sum((file) => file.rows.rejected),
        },
      };
    };
    return {
      manifestVersion: 1,
      options: this.options,
      ...(this.#fromContracts
        ? {
            columns: {
              products: this.#layouts.products.names,
              orders: this.#layouts.orders.names,
              order_items: this.#layouts.order_items.names,
            },
          }
        : {}),
      maxRejectedRowRatio: DEFAULT_MAX_REJECTED_ROW_RATIO,
      totals: {
        products: totalsOf('products'),
        orders: totalsOf('orders'),
        order_items: totalsOf('order_items'),
      },
      files: [...this.#expectations],
    };
  }

  #finish(file: GeneratedFile, tally: FileTally): void {
    const fileIssues: IssueCode[] =
      tally.total === 0 ? [this.options.format === 'csv' ? 'HEADER_ONLY' : 'EMPTY_FILE'] : [];
    const verdict = decideVerdict({
      fileIssues: fileIssues.map((code) => ({ code })),
      totalRows: tally.total,
      rejectedRows: tally.rejected,
      maxRejectedRowRatio: DEFAULT_MAX_REJECTED_ROW_RATIO,
    });
    this.#verdicts[file.dataset].push(verdict);
    this.#expectations.push({
      key: file.key,
      dataset: file.dataset,
      format: this.options.format,
      gzip: this.options.gzip,
      timestampStyle: file.timestampStyle,
      rows: { total: tally.total, accepted: tally.accepted, rejected: tally.rejected },
      ruleCounts: sortedRecord(tally.ruleCounts),
      rejectedRows: tally.rejectedRows,
      fileIssues,
      verdict,
      injected: sortedRecord(tally.injected),
      lateReferences: tally.lateReferences,
    });
    this.#next += 1;
  }

  // ---- products ------------------------------------------------------------------------------

  *#productsOf(fileIndex: number): Generator<ProductRecord, void, undefined> {
    const random = new SeededRandom(this.options.seed, 'products', fileIndex);
    const errors = new SeededRandom(this.options.seed, 'product-errors', fileIndex);
    const skuOffset = mix32(this.#seedHash, 1) % 100_000_000;
    const end = this.#productStarts[fileIndex + 1] as number;
    for (let id = this.#productStarts[fileIndex] as number; id < end; id++) {
      const category = CATEGORIES[random.weighted(CATEGORY_WEIGHTS)] as (typeof CATEGORIES)[number];
      const department = random.pick(category.departments);
      const brand = random.chance(0.03) ? '' : random.pick(BRANDS);
      const nickname = random.chance(0.03)
        ? `"${random.pick(['Cloud', 'Weekender', 'Everyday', 'Coastal'])}" `
        : '';
      const pack = random.chance(0.06) ? `, Pack of ${random.int(2, 6)}` : '';
      const name =
        `${brand === '' ? '' : `${brand} `}${department}'s ${nickname}${random.pick(ADJECTIVES)} ` +
        `${random.pick(category.nouns)} - ${random.pick(COLOURS)}${pack}`;
      const [minDollars, maxDollars] = category.dollars;
      const retailPriceCents =
        random.int(minDollars, maxDollars - 1) * 100 + random.pick([99, 99, 95, 50, 0]);
      const costCents = Math.round(retailPriceCents * (0.35 + random.next() * 0.3));
      // The multiplier is prime to 10^8, so distinct ids get distinct, scattered digits; the
      // product stays below 2^53 for every allowed id.
      const digits = String((id * SKU_MULTIPLIER + skuOffset) % 100_000_000).padStart(8, '0');
      yield {
        id,
        costCents,
        category: category.name,
        name,
        brand,
        retailPriceCents,
        department,
        sku: `${category.skuPrefix}-${digits}`,
        distributionCenterId: random.int(1, DISTRIBUTION_CENTERS),
        injection: this.#drawInjection(errors, 'products'),
      };
    }
  }

  *#productLines(fileIndex: number, tally: FileTally): Generator<string, void, undefined> {
    for (const product of this.#productsOf(fileIndex)) {
      const draft = new RowDraft('products', [
        String(product.id),
        formatCents(product.costCents),
        product.category,
        product.name,
        product.brand,
        formatCents(product.retailPriceCents),
        product.department,
        product.sku,
        String(product.distributionCenterId),
      ]);
      yield* this.#emit(
        draft,
        product.injection,
        undefined,
        () => '',
        tally,
        () => tally.accept(),
      );
    }
  }

  // ---- orders and items --------------------------------------------------------------------

  /**
   * Orders per day: weekday rhythm, a slow upward trend and noise (a volume-drop day a share of
   * that), summing exactly to `orders`.
   */
  #ordersPerDay(): number[] {
    const { seed, orders, days } = this.options;
    const random = new SeededRandom(seed, 'calendar');
    const firstWeekday = new Date(this.#startMs).getUTCDay();
    const weights = Array.from(
      { length: days },
      (_, day) =>
        (WEEKDAY_FACTORS[(firstWeekday + day) % 7] as number) *
        (1 + (0.25 * day) / days) *
        (0.85 + 0.3 * random.next()) *
        (this.#hasAnomaly(day, 'volume-drop') ? VOLUME_DROP_SHARE : 1),
    );
    return apportion(orders, weights);
  }

  *#ordersOfDay(day: number): Generator<GeneratedOrder, void, undefined> {
    const { seed } = this.options;
    const random = new SeededRandom(seed, 'day', day);
    const basket = new SeededRandom(seed, 'basket', day);
    const errors = new SeededRandom(seed, 'order-errors', day);
    const firstOrder = this.#firstOrderOfDay[day] as number;
    const count = (this.#firstOrderOfDay[day + 1] as number) - firstOrder;
    const dayStartMs = this.#startMs + day * DAY_MS;
    const priceFactor = this.#hasAnomaly(day, 'price-spike') ? PRICE_SPIKE_FACTOR : 1;
    const rejectBurst = this.#hasAnomaly(day, 'reject-burst');
    const burstHit = (position: number) => rejectBurst && position % REJECT_BURST_EVERY === 0;
    const firstItemOfDay = this.#firstItemOfDay[day] as number;
    let itemId = firstItemOfDay;
    for (let i = 0; i < count; i++) {
      const numOfItem = 1 + basket.weighted(BASKET_WEIGHTS);
      const createdMs = dayStartMs + timeOfDayMs(i, count, random);
      const userId = random.int(1, this.#users);
      const gender = (mix32(this.#seedHash, userId) & 1) === 0 ? 'F' : 'M';
      const status = STATUSES[random.weighted(STATUS_WEIGHTS)] as OrderStatus;
      const hasShipped = status === 'shipped' || status === 'complete' || status === 'returned';
      const shippedMs = hasShipped ? createdMs + random.int(2 * HOUR_MS, 72 * HOUR_MS) : undefined;
      const deliveredMs =
        shippedMs !== undefined && (status === 'complete' || status === 'returned')
          ? shippedMs + random.int(12 * HOUR_MS, 6 * DAY_MS)
          : undefined;
      const returnedMs =
        deliveredMs !== undefined && status === 'returned'
          ? deliveredMs + random.int(DAY_MS, 20 * DAY_MS)
          : undefined;
      const order: OrderRecord = {
        orderId: firstOrder + i,
        userId,
        gender,
        status,
        createdMs,
        shippedMs,
        deliveredMs,
        returnedMs,
        numOfItem,
        injection: this.#drawInjection(errors, 'orders', burstHit(i)),
      };
      // Nine in ten baskets come from the customer's own department.
      const ownDepartment: Department = gender === 'F' ? 'Women' : 'Men';
      const otherDepartment: Department = gender === 'F' ? 'Men' : 'Women';
      const department = random.chance(0.9) ? ownDepartment : otherDepartment;
      const items: ItemRecord[] = [];
      let returnedItems = 0;
      for (let j = 0; j < numOfItem; j++) {
        const productId = this.#pickProduct(department, random);
        const retail = this.#retailPriceCents[productId] as number;
        const price = random.next();
        // Mostly at list price, a third on sale, a few marked up.
        const salePriceCents =
          priceFactor *
          (price < 0.62
            ? retail
            : price < 0.95
              ? Math.max(1, Math.round(retail * (0.6 + random.next() * 0.35)))
              : Math.round(retail * (1 + random.next() * 0.1)));
        let itemStatus = status;
        if (status === 'returned') {
          // At least one item of a returned order comes back.
          const last = j === numOfItem - 1 && returnedItems === 0;
          itemStatus = last || random.chance(0.7) ? 'returned' : 'complete';
          if (itemStatus === 'returned') returnedItems += 1;
        }
        items.push({
          id: itemId + j,
          orderId: order.orderId,
          userId,
          productId,
          inventoryItemId: (itemId + j) * 3 + random.int(0, 2),
          status: itemStatus,
          createdMs: createdMs + random.int(0, 180 * SECOND_MS),
          shippedMs,
          deliveredMs,
          returnedMs: itemStatus === 'returned' ? returnedMs : undefined,
          salePriceCents,
          injection: this.#drawInjection(errors, 'order_items', burstHit(itemId - firstItemOfDay + j)),
        });
      }
      itemId += numOfItem;
      yield { order, items };
    }
  }

  #pickProduct(department: Department, random: SeededRandom): number {
    const preferred = this.#usableByDepartment[department];
    const pool =
      preferred.length > 0 ? preferred : this.#usableByDepartment[department === 'Men' ? 'Women' : 'Men'];
    // With every product given an error, items refer to rejected products (UNKNOWN_PRODUCT).
    if (pool.length === 0) return random.int(1, this.options.products);
    return pool[Math.floor(random.next() * pool.length)] as number;
  }

  /** The orders with ids in [first, end), day by day. */
  *#ordersBetween(first: number, end: number): Generator<GeneratedOrder, void, undefined> {
    for (let day = this.#dayOfOrder(first); day <= this.#dayOfOrder(end - 1); day++) {
      for (const generated of this.#ordersOfDay(day)) {
        const id = generated.order.orderId;
        if (id >= end) return;
        if (id >= first) yield generated;
      }
    }
  }

  *#orderLines(file: GeneratedFile, tally: FileTally): Generator<string, void, undefined> {
    const index = file.number - 1;
    const orders = this.#ordersBetween(
      this.#orderStarts[index] as number,
      this.#orderStarts[index + 1] as number,
    );
    for (const { order } of orders) {
      const time = (ms: number | undefined) =>
        ms === undefined ? '' : formatTimestamp(ms, file.timestampStyle, order.userId);
      const nullBurst = this.#inNullBurst(order.createdMs, order.orderId);
      const draft = new RowDraft('orders', [
        String(order.orderId),
        String(order.userId),
        order.status,
        order.gender,
        time(order.createdMs),
        time(order.returnedMs),
        time(order.shippedMs),
        time(order.deliveredMs),
        String(order.numOfItem),
      ]);
      if (nullBurst) draft.set('gender', '');
      yield* this.#emit(draft, order.injection, order, time, tally, () => tally.accept());
    }
  }

  *#itemLines(file: GeneratedFile, tally: FileTally): Generator<string, void, undefined> {
    const index = file.number - 1;
    const orders = this.#ordersBetween(
      this.#itemOrderStarts[index] as number,
      this.#itemOrderStarts[index + 1] as number,
    );
    for (const { order, items } of orders) {
      // An order given an error is rejected; leaving out its items keeps every error to one row.
      if (order.injection !== undefined && checkOf(order.injection.kind) === 'row') continue;
      for (const item of items) {
        const time = (ms: number | undefined) =>
          ms === undefined ? '' : formatTimestamp(ms, file.timestampStyle, item.userId);
        const draft = new RowDraft('order_items', [
          String(item.id),
          String(item.orderId),
          String(item.userId),
          String(item.productId),
          String(item.inventoryItemId),
          item.status,
          time(item.createdMs),
          time(item.shippedMs),
          time(item.deliveredMs),
          time(item.returnedMs),
          formatCents(item.salePriceCents),
        ]);
        if (this.#inNullBurst(order.createdMs, item.id)) draft.set('inventory_item_id', '');
        yield* this.#emit(draft, item.injection, item, time, tally, () =>
          this.#resolveItem(draft, order.userId, index, tally),
        );
      }
    }
  }

  /** The referential checks of an item that passed the row checks, as the validator runs them. */
  #resolveItem(
    draft: RowDraft<'order_items'>,
    orderUserId: number,
    fileIndex: number,
    tally: FileTally,
  ): void {
    const productId = Number(draft.get('product_id'));
    const orderId = Number(draft.get('order_id'));
    const { products, orders } = this.options;
    const productKnown =
      productId <= products &&
      this.#usable[productId] === 1 &&
      this.#verdicts.products[fileOf(this.#productStarts, productId)] === 'ACCEPTED';
    const orderFile = orderId <= orders ? fileOf(this.#orderStarts, orderId) : -1;
    if (orderFile > fileIndex) tally.lateReferences += 1;
    const orderKnown = orderFile >= 0 && this.#verdicts.orders[orderFile] === 'ACCEPTED';
    const codes: IssueCode[] = [];
    if (!productKnown) codes.push('UNKNOWN_PRODUCT');
    if (!orderKnown) codes.push('UNKNOWN_ORDER');
    else if (draft.get('user_id') !== String(orderUserId)) codes.push('ITEM_USER_MISMATCH');
    if (codes.length === 0) tally.accept();
    else tally.reject(codes);
  }

  /** The lines of one row: its injected error applied, written once or (duplicate-key) twice. */
  *#emit<D extends Dataset>(
    draft: RowDraft<D>,
    injection: Injection | undefined,
    times: RowTimes | undefined,
    time: (ms: number) => string,
    tally: FileTally,
    passRowChecks: () => void,
  ): Generator<string, void, undefined> {
    let code: IssueCode | undefined;
    if (injection !== undefined) {
      const spec: ErrorKindSpec = ERROR_KINDS[injection.kind];
      const context: CorruptionContext = {
        variant: injection.variant,
        times,
        formatTime: time,
        productCount: this.options.products,
        orderCount: this.options.orders,
      };
      (spec.corrupt[draft.dataset] as (row: RowDraft<D>, context: CorruptionContext) => void)(draft, context);
      tally.inject(injection.kind);
      if (spec.check === 'row') code = errorKindCode(injection.kind, this.options.format);
    }
    const line = formatLine(draft, this.#layouts[draft.dataset], this.options.format);
    yield line;
    if (code === undefined) passRowChecks();
    else tally.reject([code]);
    if (draft.duplicated) {
      yield line;
      tally.reject(['DUPLICATE_KEY_IN_FILE']);
    }
  }

  /** The row's error, if any; `burst` forces one of the reject-burst kinds. */
  #drawInjection(errors: SeededRandom, dataset: Dataset, burst = false): Injection | undefined {
    // Two draws per row whatever happens, so the errors of one row never move those of the next.
    const hit = errors.next();
    const pick = errors.uint32();
    const kinds = burst ? this.#burstKindsFor[dataset] : this.#kindsFor[dataset];
    if (kinds.length === 0 || !(burst || hit < this.options.errorRate)) return undefined;
    return { kind: kinds[pick % kinds.length] as ErrorKind, variant: mix32(pick, 0x5eed) };
  }

  #hasAnomaly(day: number, kind: AnomalyKind): boolean {
    return this.#anomaliesOfDay.get(day)?.has(kind) === true;
  }

  /**
   * Whether a row of the order created at `createdMs` loses its burst column: on a null-burst
   * day, a share of the rows chosen by a hash of the row's id, so no random stream moves.
   */
  #inNullBurst(createdMs: number, rowId: number): boolean {
    const day = Math.floor((createdMs - this.#startMs) / DAY_MS);
    if (!this.#hasAnomaly(day, 'null-burst')) return false;
    return mix32(this.#seedHash ^ 0x6e756c6c, rowId) / 2 ** 32 < NULL_BURST_SHARE;
  }

  #dayOfOrder(orderId: number): number {
    return fileOf(this.#firstOrderOfDay, orderId, this.options.days);
  }

  #dateOfOrder(orderId: number): string {
    return new Date(this.#startMs + this.#dayOfOrder(orderId) * DAY_MS).toISOString().slice(0, 10);
  }
}

/** The files' columns: the shipped names, or those of the contracts (validated). */
function layoutsOf(contracts: ContractSet | undefined): ColumnLayouts {
  return contracts === undefined ? SHIPPED_LAYOUTS : contractLayouts(contracts);
}

/** A null burst empties orders' `gender` and items' `inventory_item_id`: files without them cannot show it. */
function checkAnomalyColumns(options: GenerateOptions, layouts: ColumnLayouts): void {
  if (!options.anomalies.some((anomaly) => anomaly.kind === 'null-burst')) return;
  const missing = [
    ...(layouts.orders.logical.has('gender') ? [] : ['orders.gender']),
    ...(layouts.order_items.logical.has('inventory_item_id') ? [] : ['order_items.inventory_item_id']),
  ];
  if (missing.length > 0) {
    throw new InvalidOptionError(
      'anomalies',
      `null-burst empties ${missing.join(' and ')}, which the contracts leave out`,
    );
  }
}

function checkOf(kind: ErrorKind): ErrorKindSpec['check'] {
  return (ERROR_KINDS[kind] as ErrorKindSpec).check;
}

/**
 * Where the `index`-th of `count` orders of a day falls, ms after midnight: one random instant
 * in each of `count` equal slices of the day, bent by the hourly weights. Increasing in `index`,
 * so ids follow creation time without sorting a day in memory.
 */
function timeOfDayMs(index: number, count: number, random: SeededRandom): number {
  const total = HOUR_WEIGHTS[HOUR_WEIGHTS.length - 1] as number;
  const target = ((index + random.next()) / count) * total;
  let hour = 0;
  while (target >= (HOUR_WEIGHTS[hour] as number)) hour++;
  const before = hour === 0 ? 0 : (HOUR_WEIGHTS[hour - 1] as number);
  const within = (target - before) / ((HOUR_WEIGHTS[hour] as number) - before);
  return Math.floor((hour + within) * HOUR_MS);
}

/** Splits `total` into whole parts proportional to `weights` (largest remainders), summing exactly to it. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const counts = exact.map(Math.floor);
  const left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (let i = 0; i < left; i++) {
    const index = (byRemainder[i] as { index: number }).index;
    counts[index] = (counts[index] as number) + 1;
  }
  return counts;
}

/** First id of each run of `counts` ids starting at 1, plus the id after the last. */
function prefixStarts(counts: readonly number[]): Float64Array {
  const starts = new Float64Array(counts.length + 1);
  starts[0] = 1;
  counts.forEach((count, index) => {
    starts[index + 1] = (starts[index] as number) + count;
  });
  return starts;
}

/** First id of each of `files` near-equal blocks of ids 1..count, plus count + 1. */
function evenStarts(count: number, files: number): number[] {
  return Array.from({ length: files + 1 }, (_, k) => 1 + Math.floor((k * count) / files));
}

/** The block holding `id`: the last of the first `blocks` starts that is <= id. */
function fileOf(starts: ArrayLike<number>, id: number, blocks = starts.length - 1): number {
  let low = 0;
  let high = blocks - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((starts[middle] as number) <= id) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** `orders/year=2026/month=01/day=05/orders_0001.csv`: the dataset first, as SPEC §2 routes keys. */
function sourceKey(dataset: Dataset, date: string, number: number, options: GenerateOptions): string {
  const [year, month, day] = date.split('-');
  const width = Math.max(4, String(options.files).length);
  const extension = `${options.format}${options.gzip ? '.gz' : ''}`;
  return `${dataset}/year=${year}/month=${month}/day=${day}/${dataset}_${String(number).padStart(width, '0')}.${extension}`;
}

function sortedRecord<K extends string>(counts: ReadonlyMap<K, number>): Partial<Record<K, number>> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as Partial<
    Record<K, number>
  >;
}

function checkInteger(option: string, value: number, min: number, max: number): void {
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw new InvalidOptionError(option, `must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

function checkOptions(options: GenerateOptions): GenerateOptions {
  if (typeof options.seed !== 'string' || options.seed === '') {
    throw new InvalidOptionError('seed', 'must be a non-empty text');
  }
  checkInteger('orders', options.orders, 1, 100_000_000_000);
  checkInteger('days', options.days, 1, 36_600);
  checkInteger('products', options.products, 1, 10_000_000);
  checkInteger('files', options.files, 1, Math.min(options.orders, options.products));
  if (options.dailyFiles && options.files !== options.days) {
    throw new InvalidOptionError(
      'files',
      `must equal days (${options.days}) with dailyFiles, got ${options.files}`,
    );
  }
  if (options.format !== 'csv' && options.format !== 'jsonl') {
    throw new InvalidOptionError('format', `must be csv or jsonl, got ${options.format}`);
  }
  if (!(TIMESTAMP_STYLES as readonly string[]).includes(options.timestamps)) {
    throw new InvalidOptionError('timestamps', `must be one of ${TIMESTAMP_STYLES.join(', ')}`);
  }
  const startMs = /^\d{4}-\d{2}-\d{2}$/.test(options.startDate)
    ? Date.parse(`${options.startDate}T00:00:00Z`)
    : Number.NaN;
  if (
    Number.isNaN(startMs) ||
    new Date(startMs).toISOString().slice(0, 10) !== options.startDate ||
    options.startDate < '1970-01-01' ||
    options.startDate > '2999-12-31'
  ) {
    throw new InvalidOptionError(
      'startDate',
      `must be a real date YYYY-MM-DD from 1970 to 2999, got ${options.startDate}`,
    );
  }
  if (!(typeof options.errorRate === 'number' && options.errorRate >= 0 && options.errorRate <= 1)) {
    throw new InvalidOptionError('errorRate', `must be a number from 0 to 1, got ${options.errorRate}`);
  }
  const unknown = options.errorKinds.filter((kind) => !Object.hasOwn(ERROR_KINDS, kind));
  if (unknown.length > 0) {
    throw new InvalidOptionError(
      'errorKinds',
      `unknown kinds ${unknown.join(', ')}; known: ${Object.keys(ERROR_KINDS).join(', ')}`,
    );
  }
  checkAnomalies(options, startMs);
  return { ...options, errorKinds: [...new Set(options.errorKinds)] };
}

function isRealDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

function checkAnomalies(options: GenerateOptions, startMs: number): void {
  if (options.anomalies.length > 0 && !options.dailyFiles) {
    throw new InvalidOptionError(
      'anomalies',
      'need dailyFiles: an anomaly changes one day, which the file scope sees only in a file of its own',
    );
  }
  const lastDate = new Date(startMs + (options.days - 1) * DAY_MS).toISOString().slice(0, 10);
  for (const { date, kind } of options.anomalies) {
    if (!isAnomalyKind(kind)) {
      throw new InvalidOptionError('anomalies', `unknown kind ${kind}; known: ${ANOMALY_KINDS.join(', ')}`);
    }
    const real = /^\d{4}-\d{2}-\d{2}$/.test(date) && isRealDate(date);
    if (!(real && date >= options.startDate && date <= lastDate)) {
      throw new InvalidOptionError(
        'anomalies',
        `date ${date} (${kind}) must be a day of the data set, ${options.startDate} to ${lastDate}`,
      );
    }
  }
}
