// Bytes S3 leaves as they are when it writes a key into an event: the unreserved set of
// Java's URLEncoder (letters, digits, `-_.*`) plus `/`, which S3 keeps readable.
const KEPT = /^[A-Za-z0-9\-_.*/]$/;

/**
 * Encodes an object key the way S3 writes it into event notifications: form encoding of the
 * UTF-8 bytes, so a space becomes `+`, a `+` becomes `%2B`, and `/` is kept.
 *
 * @example
 * encodeS3EventKey('raw/Größe (1).csv'); // 'raw/Gr%C3%B6%C3%9Fe+%281%29.csv'
 */
export function encodeS3EventKey(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte === 0x20) encoded += '+';
    else if (byte < 0x80 && KEPT.test(char)) encoded += char;
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/**
 * Turns an event key back into the object key; the inverse of {@link encodeS3EventKey}, and what
 * a consumer of real S3 events must do (`+` first, because `%2B` is a literal plus).
 */
export function decodeS3EventKey(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replaceAll('+', ' '));
}
