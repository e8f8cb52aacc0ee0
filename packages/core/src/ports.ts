import type { DatasetName } from './datasets.js';
import type { Alert } from './messages/alertMessages.js';
import type { SilverOrder, SilverProduct, SilverRecord } from './silver.js';
import { ORDER_STATUSES, type OrderStatus } from './types.js';

/** What an order item needs from its product: the KPI category. */
export interface ProductReference {
  readonly category: string;
}

/** What an order item needs from its order. */
export interface OrderReference {
  /** Must equal the item's user_id. */
  readonly userId: number;
  /** The order's created_at, epoch ms; its UTC date is the item's order_date (SPEC §4). */
  readonly createdAtMs: number;
  readonly status: OrderStatus;
}

/**
 * Port to everything accepted so far (SPEC §3 referential checks are against all earlier files,
 * not only the same batch). Implemented outside core (DynamoDB); core only declares it.
 * Methods take a whole chunk's distinct ids at once, so an implementation can batch its reads.
 */
export interface ReferenceLookup {
  /** The known products among `ids`; an id absent from the map is not known (yet). */
  findProducts(ids: readonly number[]): Promise<ReadonlyMap<number, ProductReference>>;
  /** The known orders among `ids`; an id absent from the map is not known (yet). */
  findOrders(ids: readonly number[]): Promise<ReadonlyMap<number, OrderReference>>;
}

/**
 * A {@link ReferenceLookup} over everything its user has accepted, filled as files are accepted:
 * the port without DynamoDB, for the bench's in-process core and for tests that run the real
 * validator. Pure (no I/O), so it lives beside the port.
 *
 * Kept compact because a run holds every accepted order: as a map of objects, 400,000 orders took
 * 41 MiB of V8 heap in 800,000 objects, which every full garbage collection marked again. Here an
 * order is a slot in typed columns (17 bytes) and a product the index of its category, so the heap
 * holds two maps of small integers and the columns' buffers, which the collector does not scan.
 */
export class InMemoryReferences implements ReferenceLookup {
  /** Product id to the index of its category in {@link #categories}. */
  readonly #productCategory = new Map<number, number>();
  /** One shared, frozen reference per category, so a lookup allocates nothing per product. */
  readonly #categories: ProductReference[] = [];
  readonly #categoryIndex = new Map<string, number>();
  /** Order id to its slot in the three columns below. */
  readonly #orderSlot = new Map<number, number>();
  // Float64 holds every safe integer exactly, so ids and epoch milliseconds lose nothing.
  #orderUserId = new Float64Array(INITIAL_ORDER_SLOTS);
  #orderCreatedAtMs = new Float64Array(INITIAL_ORDER_SLOTS);
  #orderStatus = new Uint8Array(INITIAL_ORDER_SLOTS);

  constructor(
    products: Iterable<readonly [number, ProductReference]> = [],
    orders: Iterable<readonly [number, OrderReference]> = [],
  ) {
    for (const [id, product] of products) this.putProduct(id, product);
    for (const [id, order] of orders) this.putOrder(id, order);
  }

  /** Records (or replaces) what the checks need of one product. */
  putProduct(id: number, product: ProductReference): void {
    let index = this.#categoryIndex.get(product.category);
    if (index === undefined) {
      index = this.#categories.length;
      this.#categories.push(Object.freeze({ category: product.category }));
      this.#categoryIndex.set(product.category, index);
    }
    this.#productCategory.set(id, index);
  }

  /** Records (or replaces) what the checks need of one order. */
  putOrder(id: number, order: OrderReference): void {
    const status = ORDER_STATUSES.indexOf(order.status);
    if (status === -1)
      throw new TypeError(`order ${id} has an unknown status ${JSON.stringify(order.status)}`);
    let slot = this.#orderSlot.get(id);
    if (slot === undefined) {
      slot = this.#orderSlot.size;
      if (slot === this.#orderStatus.length) this.#growOrderColumns();
      this.#orderSlot.set(id, slot);
    }
    this.#orderUserId[slot] = order.userId;
    this.#orderCreatedAtMs[slot] = order.createdAtMs;
    this.#orderStatus[slot] = status;
  }

  /**
   * Records what the referential checks need of a file's accepted products or orders, as the
   * validator records them once the file is committed; other datasets are referenced by nothing.
   */
  accept(dataset: DatasetName, records: Iterable<SilverRecord>): void {
    if (dataset === 'products') {
      for (const record of records) {
        const product = record as SilverProduct;
        this.putProduct(product.id, product);
      }
    } else if (dataset === 'orders') {
      for (const record of records) {
        const order = record as SilverOrder;
        this.putOrder(order.order_id, {
          userId: order.user_id,
          createdAtMs: order.created_at_ms,
          status: order.status,
        });
      }
    }
  }

  /** Adds everything `other` holds, replacing what this holds for the same ids. */
  acceptAll(other: InMemoryReferences): void {
    other.#productCategory.forEach((index, id) => {
      this.putProduct(id, other.#categories[index] as ProductReference);
    });
    other.#orderSlot.forEach((slot, id) => {
      this.putOrder(id, other.#orderAt(slot));
    });
  }

  async findProducts(ids: readonly number[]): Promise<Map<number, ProductReference>> {
    const found = new Map<number, ProductReference>();
    for (const id of ids) {
      const index = this.#productCategory.get(id);
      if (index !== undefined) found.set(id, this.#categories[index] as ProductReference);
    }
    return found;
  }

  async findOrders(ids: readonly number[]): Promise<Map<number, OrderReference>> {
    const found = new Map<number, OrderReference>();
    for (const id of ids) {
      const slot = this.#orderSlot.get(id);
      if (slot !== undefined) found.set(id, this.#orderAt(slot));
    }
    return found;
  }

  #orderAt(slot: number): OrderReference {
    return {
      userId: this.#orderUserId[slot] as number,
      createdAtMs: this.#orderCreatedAtMs[slot] as number,
      status: ORDER_STATUSES[this.#orderStatus[slot] as number] as OrderStatus,
    };
  }

  #growOrderColumns(): void {
    const slots = this.#orderStatus.length * 2;
    const userId = new Float64Array(slots);
    userId.set(this.#orderUserId);
    const createdAtMs = new Float64Array(slots);
    createdAtMs.set(this.#orderCreatedAtMs);
    const status = new Uint8Array(slots);
    status.set(this.#orderStatus);
    this.#orderUserId = userId;
    this.#orderCreatedAtMs = createdAtMs;
    this.#orderStatus = status;
  }
}

/** Order slots the columns start with; they double when full. */
const INITIAL_ORDER_SLOTS = 1024;

/** Port to the alerts topic: where the services announce what a person should look at. */
export interface AlertSink {
  /** Publishes one alert; a failure is thrown (typed), never dropped. */
  publish(alert: Alert): Promise<void>;
}

/**
 * The sink when no alerts topic is configured: alerting is off by the operator's choice, so
 * nothing is published (the verdicts and anomalies are still stored and reported).
 */
export const ALERTS_OFF: AlertSink = { publish: async () => undefined };
