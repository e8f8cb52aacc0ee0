/** Slots per page of the columns: full pages are added, never copied, so growing costs no peak. */
const PAGE_BITS = 16;
const PAGE_SLOTS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SLOTS - 1;
/**
 * Slots the first page starts with; it doubles, copied, until it is a full page. A date of a few
 * rows would otherwise zero 3 MB of pages for them: a backfill of 2,500 such dates spent more of
 * its recompute CPU allocating and collecting them than on anything else.
 */
const FIRST_PAGE_SLOTS = 256;
/** Entries the key index starts with (a power of two); it doubles past {@link MAX_LOAD}. */
const INITIAL_INDEX_ENTRIES = 1024;
/** Linear probing stays short below this share of entries in use. */
const MAX_LOAD = 0.7;
const EMPTY = -1;

/**
 * Interns strings that repeat over many rows (row versions, one per source file; categories) as
 * small integers, so a row's state holds a number instead of its own copy of the text.
 */
export class StringTable {
  readonly #ids = new Map<string, number>();
  readonly #values: string[] = [];

  /** The id of `value`, assigning the next one (0, 1, …) the first time it is seen. */
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

  /** Distinct strings interned: ids run from 0 to `size - 1`. */
  get size(): number {
    return this.#values.length;
  }
}

/**
 * Numeric keys to slots, by open addressing with linear probing over one `Int32Array` of slots:
 * 4 bytes an entry (6 to 12 a key at the load it keeps) and no object per key, where a `Map`
 * takes about 30 and rehashes through a copy of itself. The keys themselves live with their
 * slots' fields, read back through `keyAt` when probing.
 */
class KeyIndex {
  readonly #keyAt: (slot: number) => number;
  #slots = new Int32Array(INITIAL_INDEX_ENTRIES).fill(EMPTY);
  #size = 0;
  // The key's bits, read as two 32-bit words to hash any number, integer or not.
  readonly #scratch = new Float64Array(1);
  readonly #words = new Uint32Array(this.#scratch.buffer);

  constructor(keyAt: (slot: number) => number) {
    this.#keyAt = keyAt;
  }

  /** The slot of `key`, or {@link EMPTY}. */
  get(key: number): number {
    const mask = this.#slots.length - 1;
    for (let at = this.#hash(key) & mask; ; at = (at + 1) & mask) {
      const slot = this.#slots[at] as number;
      if (slot === EMPTY || this.#keyAt(slot) === key) return slot;
    }
  }

  /** Records `slot`, whose key must already be readable through `keyAt` and not be present yet. */
  add(slot: number): void {
    if (this.#size + 1 > this.#slots.length * MAX_LOAD) this.#grow();
    this.#place(slot);
    this.#size += 1;
  }

  #place(slot: number): void {
    const mask = this.#slots.length - 1;
    let at = this.#hash(this.#keyAt(slot)) & mask;
    while (this.#slots[at] !== EMPTY) at = (at + 1) & mask;
    this.#slots[at] = slot;
  }

  #grow(): void {
    const slots = this.#slots;
    this.#slots = new Int32Array(slots.length * 2).fill(EMPTY);
    for (const slot of slots) if (slot !== EMPTY) this.#place(slot);
  }

  #hash(key: number): number {
    // `+ 0` turns -0 into 0, which compares equal to it but has other bits.
    this.#scratch[0] = key + 0;
    const low = this.#words[0] as number;
    const high = this.#words[1] as number;
    // Multiplicative mixing of both words, so that sequential integer ids spread over the table.
    const mixed = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
    return mixed ^ (mixed >>> 15);
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
 * Two copies with equal versions are the same row; the first one offered is kept. A key's slot is
 * assigned when the key is first offered (0, 1, …), so slots `0` to `size - 1` list the keys in
 * that order. Memory: 6 to 12 bytes a key in the index, then 8 for the key, 4 for the version id
 * and 8 a field (exact for every safe integer), in pages that are added as needed (the first one
 * grows from 256 slots by doubling, later ones are added whole and never copied).
 */
export class LatestCopies {
  readonly #versions: StringTable;
  /** The key, then the fields, of each slot. */
  readonly #stride: number;
  readonly #index = new KeyIndex((slot) => this.#cellPage(slot)[(slot & PAGE_MASK) * this.#stride] as number);
  readonly #versionPages: Int32Array[] = [];
  readonly #cellPages: Float64Array[] = [];
  #size = 0;
  #offered = 0;

  /**
   * @param versions - where row versions are interned (shared by the datasets of one recompute)
   * @param fields - numeric fields kept per key
   */
  constructor(versions: StringTable, fields: number) {
    this.#versions = versions;
    this.#stride = fields + 1;
  }

  /**
   * Offers one copy of `key`. Returns the slot to write its fields into with {@link set} when it
   * is the newest copy so far, `undefined` when the kept copy's version is greater or equal.
   */
  offer(key: number, version: string): number | undefined {
    this.#offered += 1;
    const versionId = this.#versions.idOf(version);
    let slot = this.#index.get(key);
    if (slot === EMPTY) {
      slot = this.#size;
      this.#makeRoom(slot);
      this.#cellPage(slot)[(slot & PAGE_MASK) * this.#stride] = key;
      this.#index.add(slot);
      this.#size += 1;
    } else {
      const keptId = this.#versionPage(slot)[slot & PAGE_MASK] as number;
      if (keptId === versionId || !(version > this.#versions.valueOf(keptId))) return undefined;
    }
    this.#versionPage(slot)[slot & PAGE_MASK] = versionId;
    return slot;
  }

  /** Sets field `field` (0-based) of the copy kept in `slot`. */
  set(slot: number, field: number, value: number): void {
    this.#cellPage(slot)[(slot & PAGE_MASK) * this.#stride + 1 + field] = value;
  }

  /** Field `field` of the copy kept in `slot`. */
  get(slot: number, field: number): number {
    return this.#cellPage(slot)[(slot & PAGE_MASK) * this.#stride + 1 + field] as number;
  }

  /** The slot of `key`'s kept copy, or `undefined` when no copy of it was offered. */
  slotOf(key: number): number | undefined {
    const slot = this.#index.get(key);
    return slot === EMPTY ? undefined : slot;
  }

  /** Distinct keys offered; their slots are `0` to `size - 1`, in the order first offered. */
  get size(): number {
    return this.#size;
  }

  /** Copies offered and not kept: an older (or identical) copy of a key seen. */
  get dropped(): number {
    return this.#offered - this.#size;
  }

  /** Adds a page when `slot` starts one, or doubles the first page when `slot` is past its end. */
  #makeRoom(slot: number): void {
    if (slot === 0 || (slot & PAGE_MASK) === 0) {
      const slots = slot === 0 ? FIRST_PAGE_SLOTS : PAGE_SLOTS;
      this.#versionPages.push(new Int32Array(slots));
      this.#cellPages.push(new Float64Array(slots * this.#stride));
      return;
    }
    const versions = this.#versionPages[0] as Int32Array;
    if (slot < PAGE_SLOTS && slot === versions.length) {
      const slots = Math.min(versions.length * 2, PAGE_SLOTS);
      const grownVersions = new Int32Array(slots);
      grownVersions.set(versions);
      const grownCells = new Float64Array(slots * this.#stride);
      grownCells.set(this.#cellPages[0] as Float64Array);
      this.#versionPages[0] = grownVersions;
      this.#cellPages[0] = grownCells;
    }
  }

  #versionPage(slot: number): Int32Array {
    return this.#versionPages[slot >>> PAGE_BITS] as Int32Array;
  }

  #cellPage(slot: number): Float64Array {
    return this.#cellPages[slot >>> PAGE_BITS] as Float64Array;
  }
}
