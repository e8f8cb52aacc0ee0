/** The outcome of reading a queue message body: never an exception, so a poison message can be acknowledged and reported. */
export type ParseResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'unrecognised'; readonly reason: string };

/** One queue message format: the one place its producer encodes it and its consumer reads it. */
export interface MessageCodec<T> {
  /** The message body for `value`. */
  encode(value: T): string;
  /** Reads a body; anything not in this format is `unrecognised`. */
  parse(body: string): ParseResult<T>;
  /** Reads an already parsed JSON value, for consumers that dispatch one body over several formats. */
  decode(json: unknown): ParseResult<T>;
}

/** A codec from its encoder and its decoder of parsed JSON. */
export function defineCodec<T>(
  encode: (value: T) => string,
  decode: (json: unknown) => ParseResult<T>,
): MessageCodec<T> {
  return {
    encode,
    decode,
    parse: (body) => {
      const json = parseJson(body);
      return json.kind === 'ok' ? decode(json.value) : json;
    },
  };
}

/** `body` as JSON, or `unrecognised` when it is not JSON. */
export function parseJson(body: string): ParseResult<unknown> {
  try {
    return { kind: 'ok', value: JSON.parse(body) };
  } catch {
    // Not JSON is an answer, not a failure: the caller reports the body as unrecognised.
    return { kind: 'unrecognised', reason: 'body is not JSON' };
  }
}

export function ok<T>(value: T): ParseResult<T> {
  return { kind: 'ok', value };
}

export function unrecognised<T>(reason: string): ParseResult<T> {
  return { kind: 'unrecognised', reason };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `type` every storeflow message carries, so each queue's consumer can tell its formats apart. */
export const MessageType = {
  /** CLI → validator: validate an object again. */
  REPROCESS: 'storeflow.reprocess',
  /** Validator → itself: objects waiting for late references. */
  DEFERRED: 'storeflow.deferred',
  /** Validator → transformer: an accepted file. */
  VALIDATED: 'storeflow.validated',
  /** Transformer → itself: a file whose dates other tasks are recomputing, with its tickets. */
  TRANSFORM_PENDING: 'storeflow.transform-pending',
} as const;
