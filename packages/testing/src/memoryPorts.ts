/**
 * An in-memory stand-in for the sink core's `validateFile` writes to, for tests that run the real
 * validator without AWS (its reference lookup is core's `InMemoryReferences`). Written against the
 * port's shape rather than core's types, so this package depends on no workspace package; give it
 * core's types where it is made:
 *
 * @example
 * const sink = new MemorySink<AcceptedBatch, RejectedRow>(); // a FileValidationSink
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
