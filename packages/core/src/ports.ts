import type { DatasetName } from './datasets.js';
import type { Alert } from './messages/alertMessages.js';
import type { SilverOrder, SilverProduct, SilverRecord } from './silver.js';
import type { OrderStatus } from './types.js';

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
 * A {@link ReferenceLookup} over two maps by id, filled by its user as files are accepted: the
 * port without DynamoDB, for the bench's in-process core and for tests that run the real
 * validator. Pure (no I/O), so it lives beside the port.
 */
export class InMemoryReferences implements ReferenceLookup {
  constructor(
    readonly products: Map<number, ProductReference> = new Map(),
    readonly orders: Map<number, OrderReference> = new Map(),
  ) {}

  /**
   * Records what the referential checks need of a file's accepted products or orders, as the
   * validator records them once the file is committed; other datasets are referenced by nothing.
   */
  accept(dataset: DatasetName, records: Iterable<SilverRecord>): void {
    if (dataset === 'products') {
      for (const record of records) {
        const product = record as SilverProduct;
        this.products.set(product.id, { category: product.category });
      }
    } else if (dataset === 'orders') {
      for (const record of records) {
        const order = record as SilverOrder;
        this.orders.set(order.order_id, {
          userId: order.user_id,
          createdAtMs: order.created_at_ms,
          status: order.status,
        });
      }
    }
  }

  async findProducts(ids: readonly number[]): Promise<Map<number, ProductReference>> {
    return pick(this.products, ids);
  }

  async findOrders(ids: readonly number[]): Promise<Map<number, OrderReference>> {
    return pick(this.orders, ids);
  }
}

/** The known entries among `ids`; an unknown id is left out, as the port says. */
function pick<V>(known: ReadonlyMap<number, V>, ids: readonly number[]): Map<number, V> {
  const found = new Map<number, V>();
  for (const id of ids) {
    const value = known.get(id);
    if (value !== undefined) found.set(id, value);
  }
  return found;
}

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
