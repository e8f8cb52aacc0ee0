/**
 * Base of every error that is not a row problem (row problems are data, see the rule catalogue).
 * `retryable` tells a caller whether doing the same thing again may succeed, which is what an
 * SQS consumer needs to decide between "let the message come back" and "give up on it".
 */
export abstract class WorkerError extends Error {
  /** Stable SCREAMING_SNAKE code, listed in docs/errors.md. */
  abstract readonly code: string;
  /** True when repeating the same operation may succeed (throttling, 5xx, timeouts, a peer still starting). */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Options given to a core factory are invalid (a programming or configuration mistake).
 * Permanent: building the same thing again fails the same way.
 */
export class InvalidOptionError extends WorkerError {
  readonly code = 'INVALID_OPTION';
  readonly retryable = false;
  /** Name of the offending option. */
  readonly option: string;

  constructor(option: string, reason: string, options?: ErrorOptions) {
    super(`invalid option ${option}: ${reason}`, options);
    this.option = option;
  }
}
