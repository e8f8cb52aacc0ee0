/** Slots the columns start with; they double whenever full. */
const INITIAL_SLOTS = 1024;

/**
 * Interns strings that repeat over many rows (row versions, one per source file; categories) as
 * small integers, so a row's state holds a number instead of its own copy of the text.
 */
export class StringTable {
  readonly #ids = new Map<string, number>();
  readonly #values: string[] = [];

  /** The id of `value`, assigning the next one the first time it is seen. */
  idOf(value: string): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#values.length;
      this.#ids.set(value, id);
      this.#values.push(value);
    }
    return id;
  }

  /** The string of an id {@link idOf} returned. */
  valueOf(id: number): string {
    return this.#values[id] as string;
  }
}

/**
 * For each key, a few numeric fields of the copy with the greatest row version, and nothing of the
 * other copies: the state a date's recompute keeps instead of the rows themselves. Silver can hold
 * several accepted copies of one row (the same key in several source files, a corrected
 * re-upload); the newest version is the one that counts (docs/design.md, "KPIs: recompute, never
 * increment").
 *
 * Versions compare as plain strings (UTF-16 code units), which is how they are designed to sort.
 * Two copies with equal versions are the same row; the first one offered is kept. Fields live in
 * one `Float64Array` (exact for every safe integer), a key's slot in a `Map`: about 30 bytes a key
 * plus 8 a field, against several hundred for a parsed row.
 */
export class LatestCopies {
  readonly #versions: StringTable;
  readonly #slotOfKey = new Map<number, number>();
  /** The version id, then the fields, of each slot in turn. */
  readonly #stride: number;
  #cells: Float64Array;
  #offered = 0;

  /**
   * @param versions - where row versions are interned (shared by the datasets of one recompute)
   * @param fields - numeric fields kept per key
   */
  constructor(versions: StringTable, fields: number) {
    this.#versions = versions;
    this.#stride = fields + 1;
    this.#cells = new Float64Array(INITIAL_SLOTS * this.#stride);
  }

  /**
   * Offers one copy of `key`. Returns the slot to write its fields into with {@link set} when it
   * is the newest copy so far, `undefined` when the kept copy's version is greater or equal.
   */
  offer(key: number, version: string): number | undefined {
    this.#offered += 1;
    const versionId = this.#versions.idOf(version);
    let slot = this.#slotOfKey.get(key);
    if (slot === undefined) {
      slot = this.#slotOfKey.size;
      if ((slot + 1) * this.#stride > this.#cells.length) this.#grow();
      this.#slotOfKey.set(key, slot);
    } else {
      const keptId = this.#cells[slot * this.#stride] as number;
      if (keptId === versionId || !(version > this.#versions.valueOf(keptId))) return undefined;
    }
    this.#cells[slot * this.#stride] = versionId;
    return slot;
  }

  /** Sets field `field` (0-based) of the copy kept in `slot`. */
  set(slot: number, field: number, value: number): void {
    this.#cells[slot * this.#stride + 1 + field] = value;
  }

  /** Field `field` of the copy kept in `slot`. */
  get(slot: number, field: number): number {
    return this.#cells[slot * this.#stride + 1 + field] as number;
  }

  /** The slot of `key`'s kept copy, if any copy was offered. */
  slotOf(key: number): number | undefined {
    return this.#slotOfKey.get(key);
  }

  /** Every kept copy's slot, in the order each key was first offered. */
  slots(): IterableIterator<number> {
    return this.#slotOfKey.values();
  }

  /** Distinct keys offered. */
  get size(): number {
    return this.#slotOfKey.size;
  }

  /** Copies offered and not kept: an older (or identical) copy of a key seen. */
  get dropped(): number {
    return this.#offered - this.#slotOfKey.size;
  }

  #grow(): void {
    const grown = new Float64Array(this.#cells.length * 2);
    grown.set(this.#cells);
    this.#cells = grown;
  }
}
