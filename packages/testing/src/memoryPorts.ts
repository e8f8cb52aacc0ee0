/**
 * An in-memory stand-in for the sink core's `validateFile` writes to, for tests that run the real
 * validator without AWS (its reference lookup is core's `InMemoryReferences`). Written against the
 * port's shape rather than core's types, so this package depends on no workspace package; give it
 * core's types where it is made:
 *
 * @example
 * const sink = new MemorySink<AcceptedBatch, RejectedRow>(); // a FileValidationSink
 */

/** A `FileValidationSink` that keeps every accepted batch, rejected row and ended chunk, in order. */
export class MemorySink<Batch, Row> {
  readonly accepted: Batch[] = [];
  readonly rejected: Row[] = [];
  /** The chunks ended, each as the number of accepted batches written by then. */
  readonly endedChunks: { chunk: number; acceptedBatches: number }[] = [];

  async writeAccepted(batch: Batch): Promise<void> {
    this.accepted.push(batch);
  }

  async writeRejected(rows: readonly Row[]): Promise<void> {
    this.rejected.push(...rows);
  }

  async endChunk(chunk: number): Promise<void> {
    this.endedChunks.push({ chunk, acceptedBatches: this.accepted.length });
  }
}
