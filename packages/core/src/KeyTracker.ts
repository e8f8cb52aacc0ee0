/** Keys per page: the low 16 bits of a key index inside its page. */
const PAGE_SPAN = 65_536;
/** A sorted array page holds at most this many keys; beyond it a bitmap (8 KiB) is smaller. */
const ARRAY_PAGE_LIMIT = 4096;
const BITMAP_WORDS = PAGE_SPAN / 32;

/** One 65,536-key range: a sorted Uint16Array while sparse, a bitmap once dense. */
interface Page {
  size: number;
  values: Uint16Array | undefined;
  bits: Uint32Array | undefined;
}

/**
 * Set of the keys accepted so far in one file, for the uniqueness rule (a repeat rejects the
 * later row).
 *
 * Files can hold tens of millions of rows, and a JS `Set` of numbers costs tens of bytes per key.
 * Keys are therefore split into 65,536-key pages (a simplified Roaring bitmap): a page stores its
 * low 16-bit halves in a sorted `Uint16Array` (2 bytes per key) until it has 4,096 keys, then
 * switches to an 8 KiB bitmap (1 bit per possible key). Contiguous ids, the usual case, cost
 * about 1 bit each; ids scattered one per page cost one small page each. Appending increasing
 * keys, the usual order, is O(1); an out-of-order key in a sparse page costs a binary search
 * and a shift of at most 4,096 entries.
 *
 * @example
 * const keys = new KeyTracker();
 * keys.add(42); // true: first time
 * keys.add(42); // false: a repeat
 */
export class KeyTracker {
  readonly #pages = new Map<number, Page>();
  // Rows usually arrive with ids close together, so the last page saves most Map lookups.
  #lastPageNumber = -1;
  #lastPage: Page | undefined;
  #size = 0;

  /** Number of distinct keys recorded. */
  get size(): number {
    return this.#size;
  }

  /**
   * Records a key.
   *
   * @param key a non-negative safe integer (the validated ids are positive integers of at most 15 digits)
   * @returns true when the key is new, false when it was already recorded
   * @throws RangeError when the key is not a non-negative safe integer
   */
  add(key: number): boolean {
    if (!(Number.isSafeInteger(key) && key >= 0))
      throw new RangeError(`key must be a non-negative safe integer: ${key}`);
    // ToInt32 keeps the low 32 bits of any safe integer exactly, so `& 0xffff` is the low 16.
    const low = key & 0xffff;
    const page = this.#pageOf((key - low) / PAGE_SPAN, true) as Page;
    const added = page.bits === undefined ? addToArrayPage(page, low) : addToBitmapPage(page, low);
    if (added) this.#size++;
    return added;
  }

  /** True when the key has been recorded. */
  has(key: number): boolean {
    if (!(Number.isSafeInteger(key) && key >= 0)) return false;
    const low = key & 0xffff;
    const page = this.#pageOf((key - low) / PAGE_SPAN, false);
    if (page === undefined) return false;
    if (page.bits !== undefined) return ((page.bits[low >>> 5] as number) & (1 << (low & 31))) !== 0;
    return binarySearch(page.values as Uint16Array, page.size, low) >= 0;
  }

  #pageOf(pageNumber: number, create: boolean): Page | undefined {
    if (pageNumber === this.#lastPageNumber) return this.#lastPage;
    let page = this.#pages.get(pageNumber);
    if (page === undefined) {
      if (!create) return undefined;
      page = { size: 0, values: new Uint16Array(16), bits: undefined };
      this.#pages.set(pageNumber, page);
    }
    this.#lastPageNumber = pageNumber;
    this.#lastPage = page;
    return page;
  }
}

/** Index of `value` in the first `size` entries, or `-(insertion point) - 1` when absent. */
function binarySearch(values: Uint16Array, size: number, value: number): number {
  let lowIndex = 0;
  let highIndex = size - 1;
  while (lowIndex <= highIndex) {
    const middle = (lowIndex + highIndex) >>> 1;
    const current = values[middle] as number;
    if (current < value) lowIndex = middle + 1;
    else if (current > value) highIndex = middle - 1;
    else return middle;
  }
  return -lowIndex - 1;
}

function addToArrayPage(page: Page, low: number): boolean {
  let values = page.values as Uint16Array;
  const size = page.size;
  let insertAt = size;
  if (size > 0 && (values[size - 1] as number) >= low) {
    const found = binarySearch(values, size, low);
    if (found >= 0) return false;
    insertAt = -found - 1;
  }
  if (size === ARRAY_PAGE_LIMIT) {
    convertToBitmap(page);
    return addToBitmapPage(page, low);
  }
  if (size === values.length) {
    const grown = new Uint16Array(Math.min(values.length * 2, ARRAY_PAGE_LIMIT));
    grown.set(values);
    values = grown;
    page.values = grown;
  }
  if (insertAt < size) values.copyWithin(insertAt + 1, insertAt, size);
  values[insertAt] = low;
  page.size = size + 1;
  return true;
}

function convertToBitmap(page: Page): void {
  const bits = new Uint32Array(BITMAP_WORDS);
  const values = page.values as Uint16Array;
  for (let i = 0; i < page.size; i++) {
    const low = values[i] as number;
    bits[low >>> 5] = (bits[low >>> 5] as number) | (1 << (low & 31));
  }
  page.bits = bits;
  page.values = undefined;
}

function addToBitmapPage(page: Page, low: number): boolean {
  const bits = page.bits as Uint32Array;
  const word = low >>> 5;
  const mask = 1 << (low & 31);
  const current = bits[word] as number;
  if ((current & mask) !== 0) return false;
  bits[word] = current | mask;
  page.size++;
  return true;
}
