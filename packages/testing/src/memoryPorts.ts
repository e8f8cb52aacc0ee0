/**
 * In-memory stand-ins for the two ports core's `validateFile` writes to and reads from, for tests
 * (and the bench's in-process core) that run the real validator without AWS. They are written
 * against the ports' shapes rather than core's types, so this package depends on no workspace
 * package; give them core's types where they are made:
 *
 * @example
 * const sink = new MemorySink<AcceptedBatch, RejectedRow>(); // a FileValidationSink
 * const references = new MemoryReferences<ProductReference, OrderReference>(); // a ReferenceLookup
 */

/** A `FileValidationSink` that keeps every accepted batch and rejected row, in order. */
export class MemorySink<Batch, Row> {
  readonly accepted: Batch[] = [];
  readonly rejected: Row[] = [];

  async writeAccepted(batch: Batch): Promise<void> {
    this.accepted.push(batch);
  }

  async writeRejected(rows: readonly Row[]): Promise<void> {
    this.rejected.push(...rows);
  }
}

/** A `ReferenceLookup` over two maps by id, which a test fills as files are accepted. */
export class MemoryReferences<Product, Order> {
  constructor(
    readonly products: Map<number, Product> = new Map(),
    readonly orders: Map<number, Order> = new Map(),
  ) {}

  async findProducts(ids: readonly number[]): Promise<Map<number, Product>> {
    return pick(this.products, ids);
  }

  async findOrders(ids: readonly number[]): Promise<Map<number, Order>> {
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
