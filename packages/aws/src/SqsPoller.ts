import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { WorkerError } from '@storeflow/core';
import pLimit from 'p-limit';
import { type AwsClients, callAws } from './createAwsClients.js';
import { errorName, isConnectionError, PollerOptionsError } from './errors.js';
import { OUTAGE_BACKOFF, OutageRetry } from './outageRetry.js';

/** The part of a pino logger the poller uses; any pino `Logger` fits. */
export interface PollerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): PollerLogger;
}

/** One received message, as handed to the handler. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** 1 on first delivery; the redrive policy moves the message to the DLQ past its maximum. */
  receiveCount: number;
  /** When the message was first sent, epoch ms. */
  sentAtMs: number;
  attributes: Readonly<Record<string, string>>;
  /** A child logger bound to this message's id and receive count. */
  log: PollerLogger;
  /**
   * Runs of the handler for this receive before this one, each ended by a dependency outage: 0
   * on the first run. A run again is this worker coming back to work it held, so its claims may
   * take over its own lease (`reenter`).
   */
  outageReruns: number;
  /**
   * True when the poller will run the handler again for this receive if the run fails with
   * `error` (a dependency outage within the outage budget): such a failure does not end the file,
   * even on the last receive. Asked once the run has failed; the answer is kept and followed.
   */
  runsAgainAfter(error: unknown): boolean;
}

/** What the handler wants done with a message it finished. */
export type MessageOutcome =
  /** Done: delete it. */
  | { kind: 'done' }
  /** Try again after a delay; counts as a receive, so the DLQ takes it after the maximum. */
  | { kind: 'retryLater'; delaySeconds: number }
  /**
   * Come back later without counting against the DLQ: a fresh copy (possibly with a new body)
   * is sent with `DelaySeconds`, then the original is deleted. Used for deferrals.
   */
  | { kind: 'requeue'; delaySeconds: number; body: string };

export type MessageHandler = (message: QueueMessage, signal: AbortSignal) => Promise<MessageOutcome>;

/** How a message left this poller, for metrics. */
export type SettledOutcome =
  | 'done'
  | 'retry_later'
  | 'requeued'
  | 'failed_retryable'
  | 'failed_permanent'
  | 'released'
  /** Received while stopping and never started: a fresh copy was sent and the original deleted. */
  | 'handed_back';

export interface SqsPollerOptions {
  clients: AwsClients;
  queueUrl: string;
  handle: MessageHandler;
  log: PollerLogger;
  /** Messages handled at once. */
  concurrency: number;
  /** Visibility given at receive and renewed by each heartbeat. */
  visibilityTimeoutSeconds: number;
  /** How often a message in progress has its visibility renewed; below the visibility timeout. */
  heartbeatIntervalSeconds: number;
  /**
   * Long-poll wait, at most 20 (the SQS maximum). {@link SqsPoller.stop} lets a pending receive
   * finish rather than cancel it, so keep it below the shutdown grace: a shorter wait ends a stop
   * sooner but costs more empty receives while the queue is idle (one request per wait).
   * @defaultValue 20
   */
  waitTimeSeconds?: number;
  /** Called when a message settles, with its outcome and handling time in seconds. */
  onSettled?: (outcome: SettledOutcome, durationSeconds: number) => void;
  /** Called with the number of messages in progress whenever it changes. */
  onInFlightChange?: (inFlight: number) => void;
  /**
   * How long a message whose handler keeps failing with dependency outages is run again in place
   * (see {@link OutageRetry}), from its first outage failure; 0 ends the attempt at the first
   * failure, like any other. @defaultValue 0
   */
  outageBudgetSeconds?: number;
  /** Called each time a handler is run again through a dependency outage. */
  onOutageRetry?: () => void;
}

export interface StopReport {
  /** Messages that finished within the grace period. */
  drained: number;
  /** Messages abandoned at the deadline and made visible again for another worker. */
  released: number;
  /** Messages the last receive returned after the stop began, handed back without being started. */
  handedBack: number;
}

/** What the poll loop last achieved, for a health check (see {@link SqsPoller.liveness}). */
export interface PollerLiveness {
  /**
   * Epoch ms when the loop last completed a receive (empty or not) or stopped waiting for a free
   * slot; the start time before the first receive.
   */
  lastPollAtMs: number;
  /**
   * True while every concurrency slot is busy: the loop then waits for a handler to finish
   * instead of receiving, which is no stall.
   */
  saturated: boolean;
  /** Receives that failed in a row since the last one that completed. */
  consecutiveReceiveFailures: number;
}

interface InFlight {
  message: Message;
  controller: AbortController;
  done: Promise<void>;
}

/** How long aborted handlers may take to clean up after the shutdown deadline, in ms. */
const ABORT_SETTLE_MS = 1_000;

/**
 * A long-polling SQS consumer with bounded concurrency, visibility heartbeats and a graceful stop.
 *
 * Errors thrown by the handler are classified: a dependency outage runs the handler again in
 * place, the message kept, for up to `outageBudgetSeconds` (see {@link OutageRetry}); then a
 * retryable {@link WorkerError} makes the message visible again after an exponential backoff;
 * anything else after a short pause, so the queue's redrive policy moves a message that keeps
 * failing to its DLQ. Nothing is swallowed: every failure is logged with its error.
 *
 * @example
 * const poller = new SqsPoller({ clients, queueUrl, handle, log, concurrency: 4,
 *   visibilityTimeoutSeconds: 30, heartbeatIntervalSeconds: 10 });
 * poller.start();
 * // on SIGTERM:
 * const report = await poller.stop({ graceMs: 25_000 });
 */
export class SqsPoller {
  readonly #options: SqsPollerOptions;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #limit: ReturnType<typeof pLimit>;
  /** Aborted by stop(): wakes the loop from a pause or a wait for a free slot. */
  #stopController = new AbortController();
  /** Aborted only at the shutdown deadline: a receive on the wire is otherwise left to finish. */
  #receiveController = new AbortController();
  #running = false;
  #loop: Promise<void> | undefined;
  #drained = 0;
  #handedBack = 0;
  #lastPollAtMs = 0;
  #saturated = false;
  #consecutiveReceiveFailures = 0;

  constructor(options: SqsPollerOptions) {
    const problems: string[] = [];
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      problems.push('concurrency must be >= 1');
    if (options.heartbeatIntervalSeconds >= options.visibilityTimeoutSeconds) {
      problems.push('heartbeatIntervalSeconds must be below visibilityTimeoutSeconds');
    }
    if ((options.waitTimeSeconds ?? 20) > 20) problems.push('waitTimeSeconds must be at most 20');
    if (!((options.outageBudgetSeconds ?? 0) >= 0)) problems.push('outageBudgetSeconds must be >= 0');
    if (problems.length > 0)
      throw new PollerOptionsError(`invalid SqsPoller options: ${problems.join('; ')}`);
    this.#options = options;
    this.#limit = pLimit(options.concurrency);
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return this.#running;
  }

  /** What the poll loop last achieved; a health check judges from it whether the loop stalled. */
  liveness(): PollerLiveness {
    return {
      lastPollAtMs: this.#lastPollAtMs,
      saturated: this.#saturated,
      consecutiveReceiveFailures: this.#consecutiveReceiveFailures,
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopController = new AbortController();
    this.#receiveController = new AbortController();
    // The start counts as a poll, so a health check gives the first receive its full bound.
    this.#lastPollAtMs = Date.now();
    this.#consecutiveReceiveFailures = 0;
    this.#loop = this.#pollLoop();
  }

  /**
   * Stops receiving, and within `graceMs`: lets a receive on the wire finish and hands back what
   * it returned, waits for messages in progress, then aborts the rest and makes them visible
   * again, so another worker takes every message at once.
   *
   * The pending receive is not cancelled: SQS completes a long poll whose client went away, and
   * the messages it takes would stay invisible for the whole visibility timeout. So the long-poll
   * wait must stay below the grace; a receive still pending at the deadline (the queue is then
   * unreachable or very slow) is abandoned.
   */
  async stop({ graceMs }: { graceMs: number }): Promise<StopReport> {
    const drainedBefore = this.#drained;
    const handedBackBefore = this.#handedBack;
    this.#running = false;
    this.#stopController.abort();
    const deadline = new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs).unref());
    const loopEnded = await Promise.race([(this.#loop ?? Promise.resolve()).then(() => true), deadline]);
    if (!loopEnded) {
      this.#receiveController.abort();
      await this.#loop;
    }
    const pending = [...this.#inFlight.values()];
    const allDone = Promise.all(pending.map((entry) => entry.done)).then(() => true);
    const finished = await Promise.race([allDone, deadline]);
    let released = 0;
    if (!finished) {
      const leftovers = [...this.#inFlight.values()];
      released = leftovers.length;
      for (const entry of leftovers) entry.controller.abort(new Error('shutdown deadline reached'));
      await Promise.all(leftovers.map((entry) => this.#release(entry.message)));
      // Aborted handlers get a moment to hand their own state back (a lease, a partial upload).
      const settled = Promise.all(leftovers.map((entry) => entry.done));
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, ABORT_SETTLE_MS).unref())]);
    }
    return {
      drained: this.#drained - drainedBefore,
      released,
      handedBack: this.#handedBack - handedBackBefore,
    };
  }

  async #pollLoop(): Promise<void> {
    while (this.#running) {
      const free = this.#options.concurrency - this.#inFlight.size;
      if (free <= 0) {
        this.#saturated = true;
        await Promise.race([
          ...[...this.#inFlight.values()].map((entry) => entry.done),
          aborted(this.#stopController.signal),
        ]);
        this.#saturated = false;
        this.#lastPollAtMs = Date.now();
        continue;
      }
      let messages: Message[];
      try {
        messages = await this.#receive(Math.min(10, free));
        this.#lastPollAtMs = Date.now();
        this.#consecutiveReceiveFailures = 0;
      } catch (error) {
        this.#consecutiveReceiveFailures += 1;
        const pauseMs = Math.min(30_000, 500 * 2 ** Math.min(this.#consecutiveReceiveFailures, 6));
        this.#options.log.warn(
          { err: error, pauseMs, connection: isConnectionError(error), stopping: !this.#running },
          'receive failed; pausing before the next poll',
        );
        // Returns at once when stopping: the loop then ends with nothing received.
        await sleep(pauseMs, this.#stopController.signal);
        continue;
      }
      if (this.#running) {
        for (const message of messages) this.#dispatch(message);
      } else {
        this.#handedBack += messages.length;
        await Promise.all(messages.map((message) => this.#handBack(message)));
      }
    }
  }

  async #receive(maxMessages: number): Promise<Message[]> {
    const { clients, queueUrl, visibilityTimeoutSeconds } = this.#options;
    try {
      const response = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: maxMessages,
          WaitTimeSeconds: this.#options.waitTimeSeconds ?? 20,
          VisibilityTimeout: visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          MessageAttributeNames: ['All'],
        }),
        // Only the receive listens to this signal: deletes and heartbeats must still go out
        // while stopping.
        { abortSignal: this.#receiveController.signal },
      );
      return response.Messages ?? [];
    } catch (error) {
      if (!this.#running && errorName(error) === 'AbortError') return [];
      throw error;
    }
  }

  /**
   * Hands back a message the last receive returned after the stop began, before any work on it.
   * A first delivery goes back as a fresh copy (send first, delete second, as a requeue), so the
   * next worker sees receive count 1 and no attempt is spent. A redelivery is made visible again
   * instead, which spends one of its receives: a fresh copy would restart its count and keep a
   * message that keeps failing from ever reaching the DLQ.
   */
  async #handBack(message: Message): Promise<void> {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const log = this.#options.log.child({ messageId: message.MessageId, receiveCount });
    if (receiveCount === 1) {
      try {
        await this.#settle(message, { kind: 'requeue', delaySeconds: 0, body: message.Body ?? '' }, log);
        this.#options.onSettled?.('handed_back', 0);
        return;
      } catch (error) {
        // If only the delete failed, the fresh copy and the original both come back: a duplicate,
        // which the idempotent handlers absorb, rather than the original hidden for its timeout.
        log.warn({ err: error }, 'could not hand the message back as a fresh copy; making it visible again');
      }
    }
    await this.#release(message);
  }

  #dispatch(message: Message): void {
    const messageId = message.MessageId ?? 'unknown';
    const controller = new AbortController();
    const entry: InFlight = {
      message,
      controller,
      done: Promise.resolve(),
    };
    this.#inFlight.set(messageId, entry);
    this.#options.onInFlightChange?.(this.#inFlight.size);
    entry.done = this.#limit(() => this.#process(message, controller)).finally(() => {
      this.#inFlight.delete(messageId);
      this.#options.onInFlightChange?.(this.#inFlight.size);
    });
  }

  async #process(message: Message, controller: AbortController): Promise<void> {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const log = this.#options.log.child({ messageId: message.MessageId, receiveCount });
    const startedAt = performance.now();
    const seconds = () => (performance.now() - startedAt) / 1000;
    const heartbeat = setInterval(() => {
      this.#extend(message, log, controller).catch((error: unknown) =>
        log.warn({ err: error }, 'visibility heartbeat failed'),
      );
    }, this.#options.heartbeatIntervalSeconds * 1000);
    heartbeat.unref();
    const outage = new OutageRetry({
      budgetMs: (this.#options.outageBudgetSeconds ?? 0) * 1000,
      backoff: OUTAGE_BACKOFF,
      signal: controller.signal,
      log,
      ...(this.#options.onOutageRetry === undefined ? {} : { onRetry: this.#options.onOutageRetry }),
    });
    const attributes = Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? '']),
    );
    let outcome: MessageOutcome;
    try {
      // The heartbeat above keeps the message through every run: an outage spends no receive.
      outcome = await outage.run((outageReruns) =>
        this.#options.handle(
          {
            messageId: message.MessageId ?? 'unknown',
            body: message.Body ?? '',
            receiveCount,
            sentAtMs: Number(message.Attributes?.SentTimestamp ?? '0'),
            attributes,
            log,
            outageReruns,
            runsAgainAfter: (error) => outage.willRunAgainAfter(error),
          },
          controller.signal,
        ),
      );
    } catch (error) {
      if (controller.signal.aborted) return; // released by stop(); it makes the message visible
      const retryable = error instanceof WorkerError && error.retryable;
      // Exponential backoff for faults that may pass; a short pause for the others, so the
      // redrive policy soon moves a message that keeps failing to the DLQ.
      const delaySeconds = retryable ? Math.min(300, 5 * 2 ** Math.min(receiveCount - 1, 6)) : 10;
      log[retryable ? 'warn' : 'error']({ err: error, retryable, delaySeconds }, 'message handling failed');
      await this.#changeVisibility(message, delaySeconds).catch((visibilityError: unknown) =>
        log.warn(
          { err: visibilityError },
          'could not reschedule the failed message; it returns after its timeout',
        ),
      );
      this.#options.onSettled?.(retryable ? 'failed_retryable' : 'failed_permanent', seconds());
      this.#drained += 1;
      return;
    } finally {
      clearInterval(heartbeat);
    }
    if (controller.signal.aborted) return;
    try {
      await this.#settle(message, outcome, log);
      this.#options.onSettled?.(settledName(outcome), seconds());
    } catch (error) {
      // The work is done but its acknowledgement failed: the message comes back after its
      // timeout and the handler, being idempotent, finds the work already done.
      log.warn({ err: error, outcome: outcome.kind }, 'could not settle the message; it will be redelivered');
      this.#options.onSettled?.('failed_retryable', seconds());
    }
    this.#drained += 1;
  }

  async #settle(message: Message, outcome: MessageOutcome, log: PollerLogger): Promise<void> {
    const { clients, queueUrl } = this.#options;
    if (outcome.kind === 'retryLater') {
      await this.#changeVisibility(message, outcome.delaySeconds);
      log.info({ delaySeconds: outcome.delaySeconds }, 'message scheduled for retry');
      return;
    }
    if (outcome.kind === 'requeue') {
      // Send first, delete second: a crash in between duplicates the message, never loses it.
      await callAws(clients, 'SQS', 'SendMessage', () =>
        clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: outcome.body,
            DelaySeconds: Math.min(900, Math.max(0, Math.round(outcome.delaySeconds))),
            MessageAttributes: message.MessageAttributes,
          }),
        ),
      );
      log.info({ delaySeconds: outcome.delaySeconds }, 'message requeued');
    }
    await callAws(clients, 'SQS', 'DeleteMessage', () =>
      clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      ),
    );
  }

  async #extend(message: Message, log: PollerLogger, controller: AbortController): Promise<void> {
    try {
      await this.#changeVisibility(message, this.#options.visibilityTimeoutSeconds);
      log.debug({ visibilityTimeoutSeconds: this.#options.visibilityTimeoutSeconds }, 'visibility extended');
    } catch (error) {
      // The receipt is no longer ours (deleted, or redelivered to another worker after an
      // expiry): stop working on it rather than race the other worker.
      if (
        ['ReceiptHandleIsInvalid', 'InvalidParameterValue', 'MessageNotInflight'].includes(errorName(error))
      ) {
        controller.abort(error);
      }
      throw error;
    }
  }

  async #release(message: Message): Promise<void> {
    await this.#changeVisibility(message, 0).catch((error: unknown) =>
      this.#options.log.warn(
        { err: error, messageId: message.MessageId },
        'could not release a message; it returns after its timeout',
      ),
    );
    this.#options.onSettled?.('released', 0);
  }

  async #changeVisibility(message: Message, seconds: number): Promise<void> {
    const { clients, queueUrl } = this.#options;
    await callAws(clients, 'SQS', 'ChangeMessageVisibility', () =>
      clients.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: Math.min(43_200, Math.max(0, Math.round(seconds))),
        }),
      ),
    );
  }
}

function settledName(outcome: MessageOutcome): SettledOutcome {
  if (outcome.kind === 'retryLater') return 'retry_later';
  if (outcome.kind === 'requeue') return 'requeued';
  return 'done';
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
