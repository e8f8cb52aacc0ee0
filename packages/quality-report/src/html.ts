const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe inside an element or a quoted attribute (file names and codes are user data). */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (character) => ESCAPES[character] as string);
}

// A scheme (`https:`, `javascript:`, `s3:`), a protocol-relative `//host`, or a backslash some
// browsers read as a slash: anything that could leave the directory the page was written to.
const NON_RELATIVE = /^(?:[a-z][a-z0-9+.-]*:|[\\/]{2})|\\/i;

/** Whether `href` is a relative link, the only kind the page may carry. */
export function isRelativeHref(href: string): boolean {
  return href !== '' && !NON_RELATIVE.test(href.trim());
}

// One formatter per number of decimals: building an Intl.NumberFormat costs far more than using
// one, and a large page formats thousands of numbers.
const NUMBER_FORMATS = new Map<number, Intl.NumberFormat>();

/** A number with thousands separators (`12,345`), or with `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  let format = NUMBER_FORMATS.get(digits);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    NUMBER_FORMATS.set(digits, format);
  }
  return format.format(value);
}

/** A ratio 0..1 as a percentage with two decimals at most (`0.0123` is `1.23%`). */
export function formatPercent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}
