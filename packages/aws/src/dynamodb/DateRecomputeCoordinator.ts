import {
  GetItemCommand,
  type TransactWriteItem,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { InvalidOptionError } from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { InvalidItemError, KpiDateContentionError, KpiDateLeaseLostError } from '../errors.js';
import { type Item, numberValue, readNumber, readString, requireNumber, stringValue } from './attributes.js';
import { batchGetPage } from './batchGet.js';
import { type ConditionalResult, conditionalWrite, retryingConflicts } from './conditionalWrite.js';
import type { WriteFence } from './fencedWrite.js';
import { DEFAULT_RETRY_POLICY } from './retryPolicy.js';
import { transactWriteRetrying } from './transactWrite.js';

/** The coordination item of one date, camelCased. A date never requested reads as zeros. */
export interface DateRecomputeState {
  /** Tickets handed out so far: the ticket of the latest {@link DateRecomputeCoordinator.request}. */
  readonly requestedSeq: number;
  /** Every ticket up to this one is covered by a finished recompute. */
  readonly computedSeq: number;
  /** Worker holding the recompute lease; absent when nobody does. */
  readonly leaseHolder?: string;
  /** Lease end, epoch ms; absent when nobody holds the lease. */
  readonly leaseExpiresAt?: number;
}

/** Outcome of {@link DateRecomputeCoordinator.tryAcquire}. */
export type AcquireResult =
  /**
   * This worker holds the date now. `seq` is `requested_seq` at the moment of acquisition: the
   * recompute about to run covers every ticket up to `seq`; pass it to `complete`.
   */
  | { readonly outcome: 'acquired'; readonly seq: number; readonly leaseExpiresAt: number }
  /** Another worker holds a live lease until `leaseExpiresAt` (epoch ms). */
  | { readonly outcome: 'held'; readonly holder: string; readonly leaseExpiresAt: number };

/** Options of {@link DateRecomputeCoordinator}. */
export interface DateRecomputeCoordinatorOptions {
  clients: AwsClients;
  /** `ResourceNames.kpiDatesTable` (`<prefix>-KpiDates`). */
  tableName: string;
  /** Clock, epoch ms: lease checks and `updated_at`. @defaultValue Date.now */
  now?: () => number;
}

const NAMES = {
  '#order_date': 'order_date',
  '#requested_seq': 'requested_seq',
  '#computed_seq': 'computed_seq',
  '#lease_holder': 'lease_holder',
  '#lease_expires_at': 'lease_expires_at',
  '#updated_at': 'updated_at',
} as const;

type Placeholder = keyof typeof NAMES;

/**
 * Dates whose tickets {@link DateRecomputeCoordinator.requestAll} takes in one transaction. Far
 * under the transaction's 100 actions: a transaction is cancelled as a whole when any of its
 * dates is in another transaction at that moment (a recompute's fenced KPI writes check the
 * date's item), so a smaller group is sent again less often, while still saving 24 requests in 25.
 */
export const TICKET_GROUP = 25;

/**
 * The one `KpiDates` item that is not an order date: the lease that serialises anomaly judging
 * across transformer tasks (docs/design.md, "Anomaly verdicts"). It goes through the same lease
 * methods as a date (`tryAcquire`, `renew`, `complete`, `leaseFence`); its tickets are unused.
 */
export const ANOMALY_JUDGE_LEASE = 'anomaly-judge';

/**
 * Serialises the KPI recomputes of one order date across transformer tasks without losing an
 * update (design: "recompute, never increment"), with one item per date in `KpiDates`:
 * `order_date`, `requested_seq` (N), `computed_seq` (N), `lease_holder` (S), `lease_expires_at`
 * (N, epoch ms), `updated_at` (ISO).
 *
 * Protocol, for a worker that must get a date recomputed:
 * 1. `ticket = request(date)`: atomically `ADD requested_seq 1`; the new value is this request's
 *    ticket. Tickets of a date strictly increase.
 * 2. `tryAcquire(date, me, leaseMs)`: one conditional UpdateItem that takes the lease when nobody
 *    holds it, it expired, or `me` already holds it, and returns `seq`, the `requested_seq` at that
 *    moment. On `held`, wait (or let the message come back) and go to 3.
 * 3. The request is done once `state(date).computedSeq >= ticket`; until then, back to 2.
 * 4. Holding the lease: recompute the date from silver, write it, renew the lease as needed, then
 *    `complete(date, me, seq)`, which sets `computed_seq = max(computed_seq, seq)` and releases the
 *    lease, both fenced on `me` still being the holder.
 *
 * Why no update is lost: the recompute reads silver after acquiring, so it sees every write that
 * came before every ticket `<= seq` (a caller writes silver before it requests). A request that
 * arrives during the recompute gets a ticket `> seq` (requests only ever increase the counter), so
 * after `complete` its caller still sees `computed_seq < ticket`: the date is dirty and runs once
 * more, by that caller or anyone else who acquires next. Several requests during one recompute
 * share that single rerun. `computed_seq` never decreases, so a late `complete` with a small `seq`
 * cannot undo coverage.
 *
 * Why a holder that lost its lease cannot leave stale rows: the KPI writes of a recompute are
 * fenced on the lease ({@link leaseFence}: each write transaction carries a ConditionCheck that
 * `lease_holder` is still this worker). A takeover changes `lease_holder` atomically, so after it
 * none of the old holder's writes lands; the new holder acquired later (so with a `seq` at least
 * the old one's) and reads silver and the stored rows after acquiring, so its writes, and its
 * deletes of categories that disappeared, replace whatever the old holder wrote before. The old
 * holder's writes or `complete` then fail with the retryable {@link KpiDateLeaseLostError}; its
 * tickets are covered by the new holder's run, so it just waits for that like for a held date.
 *
 * Leases compare epoch ms from the injected clock of each task, so task clocks must agree to well
 * within a lease.
 *
 * @example
 * const ticket = await dates.request(date);
 * for (;;) {
 *   const acquired = await dates.acquireUnlessCovered(date, workerId, 60_000, ticket);
 *   if (acquired.outcome === 'covered') break;
 *   if (acquired.outcome === 'acquired') {
 *     await kpis.replaceDate(date, recompute(await readSilver(date)), provenance,
 *       dates.leaseFence(date, workerId));
 *     await dates.complete(date, workerId, acquired.seq);
 *     if (acquired.seq >= ticket) break;
 *   } else {
 *     await sleep(Math.max(0, acquired.leaseExpiresAt - Date.now()) + jitter()); // or let SQS redeliver
 *   }
 * }
 */
export class DateRecomputeCoordinator {
  readonly #clients: AwsClients;
  readonly #table: string;
  readonly #now: () => number;

  constructor(options: DateRecomputeCoordinatorOptions) {
    this.#clients = options.clients;
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Asks for a recompute of `orderDate`: atomically increments `requested_seq` (creating the item
   * at 1) and returns the new value, this request's ticket. The request is served once
   * `computed_seq >= ticket`.
   */
  async request(orderDate: string): Promise<number> {
    checkDate(orderDate);
    const response = await this.#update({ ...this.#ticketUpdate(orderDate), ReturnValues: 'ALL_NEW' });
    return requireNumber(response.Attributes ?? {}, 'requested_seq', this.#table);
  }

  /**
   * {@link request} for many dates at once, in two requests per {@link TICKET_GROUP} dates instead
   * of one per date: one TransactWriteItems of their increments (the same update as `request`'s),
   * then one strongly consistent BatchGetItem of their `requested_seq`. A ticket read back may be
   * above the increment's own value when other requests came in between; it is still a ticket:
   * every increment up to it was made after this one, so after the caller's silver, and a run
   * that acquires with `seq` at or above it has read that silver (docs/design.md, "KPIs:
   * recompute, never increment"). A single date goes through `request`, one request.
   *
   * @returns each date's ticket
   * @throws WriteContentionError (retryable) when a group's transaction kept being cancelled by
   *   conflicting writes or throttling
   */
  async requestAll(orderDates: readonly string[]): Promise<Map<string, number>> {
    const dates = [...new Set(orderDates)];
    dates.forEach(checkDate);
    const tickets = new Map<string, number>();
    if (dates.length === 1) {
      tickets.set(dates[0] as string, await this.request(dates[0] as string));
      return tickets;
    }
    for (let start = 0; start < dates.length; start += TICKET_GROUP) {
      const group = dates.slice(start, start + TICKET_GROUP);
      await this.#incrementAll(group);
      const items = await batchGetPage(this.#clients, this.#table, group.map(keyOf), {
        projection: {
          expression: '#order_date, #requested_seq',
          names: names('#order_date', '#requested_seq'),
        },
      });
      for (const item of items) {
        const date = readString(item, 'order_date', this.#table) as string;
        tickets.set(date, requireNumber(item, 'requested_seq', this.#table));
      }
      const unread = group.find((date) => !tickets.has(date));
      if (unread !== undefined) {
        throw new InvalidItemError(
          this.#table,
          'requested_seq',
          `is missing for ${unread} just after its ticket`,
        );
      }
    }
    return tickets;
  }

  /** One transaction of `request`'s increment for each date, sent again while only conflicts stop it. */
  async #incrementAll(dates: readonly string[]): Promise<void> {
    const items = dates.map((date): TransactWriteItem => ({ Update: this.#ticketUpdate(date) }));
    await transactWriteRetrying(this.#clients, items, DEFAULT_RETRY_POLICY);
  }

  /** A ticket's update of the date's item: `requested_seq` raised by one, the item made if new. */
  #ticketUpdate(orderDate: string) {
    return {
      TableName: this.#table,
      Key: keyOf(orderDate),
      UpdateExpression:
        'ADD #requested_seq :one SET #computed_seq = if_not_exists(#computed_seq, :zero), #updated_at = :now_iso',
      ExpressionAttributeNames: names('#requested_seq', '#computed_seq', '#updated_at'),
      ExpressionAttributeValues: {
        ':one': numberValue(1),
        ':zero': numberValue(0),
        ':now_iso': stringValue(new Date(this.#now()).toISOString()),
      },
    };
  }

  /** The date's coordination item, strongly consistent; zeros when the date was never requested. */
  async state(orderDate: string): Promise<DateRecomputeState> {
    checkDate(orderDate);
    const item = await this.#getItem(orderDate);
    return item === undefined ? { requestedSeq: 0, computedSeq: 0 } : this.#parse(item);
  }

  /**
   * Takes the recompute lease of `orderDate` for `leaseMs`, in one conditional UpdateItem: it
   * succeeds when nobody holds the lease, the lease has expired, or `workerId` already holds it
   * (then the lease is extended). Of any number of racing workers exactly one acquires.
   *
   * @returns `acquired` with `seq` (the `requested_seq` read atomically with the acquisition), or
   *   `held` with the holder and its lease end
   */
  async tryAcquire(orderDate: string, workerId: string, leaseMs: number): Promise<AcquireResult> {
    return this.#acquire(orderDate, workerId, leaseMs, undefined);
  }

  /**
   * Steps 2 and 3 of the protocol in one request: {@link tryAcquire}, unless `ticket` is already
   * covered (`computed_seq >= ticket`), in which case nothing is written and `covered` comes
   * back. A caller that holds a ticket needs no {@link state} read before acquiring: the
   * acquisition's condition reads `computed_seq` atomically with the lease.
   */
  async acquireUnlessCovered(
    orderDate: string,
    workerId: string,
    leaseMs: number,
    ticket: number,
  ): Promise<AcquireResult | { readonly outcome: 'covered' }> {
    if (!Number.isSafeInteger(ticket) || ticket < 1) {
      throw new InvalidOptionError('ticket', `must be a ticket request returned, got ${ticket}`);
    }
    return this.#acquire(orderDate, workerId, leaseMs, ticket);
  }

  // Without a ticket the condition has no coverage part, so only acquired or held come back.
  #acquire(orderDate: string, workerId: string, leaseMs: number, ticket: undefined): Promise<AcquireResult>;
  #acquire(
    orderDate: string,
    workerId: string,
    leaseMs: number,
    ticket: number,
  ): Promise<AcquireResult | { readonly outcome: 'covered' }>;
  async #acquire(
    orderDate: string,
    workerId: string,
    leaseMs: number,
    ticket: number | undefined,
  ): Promise<AcquireResult | { readonly outcome: 'covered' }> {
    checkDate(orderDate);
    checkWorker(workerId);
    positive('leaseMs', leaseMs);
    const leaseFree =
      'attribute_not_exists(#lease_holder) OR #lease_expires_at <= :now_ms OR #lease_holder = :me';
    // A failed condition returns the stored item, so another round is needed only when the
    // endpoint does not return it and the lease was released between the write and the read.
    for (let round = 1; ; round++) {
      const nowMs = this.#now();
      const leaseUntil = nowMs + leaseMs;
      const result = await this.#conditionalUpdate({
        TableName: this.#table,
        Key: keyOf(orderDate),
        UpdateExpression:
          'SET #lease_holder = :me, #lease_expires_at = :lease_until, #updated_at = :now_iso, ' +
          '#requested_seq = if_not_exists(#requested_seq, :zero), ' +
          '#computed_seq = if_not_exists(#computed_seq, :zero)',
        ConditionExpression:
          ticket === undefined
            ? leaseFree
            : `(${leaseFree}) AND (attribute_not_exists(#computed_seq) OR #computed_seq < :ticket)`,
        ExpressionAttributeNames: names(
          '#lease_holder',
          '#lease_expires_at',
          '#updated_at',
          '#requested_seq',
          '#computed_seq',
        ),
        ExpressionAttributeValues: {
          ':me': stringValue(workerId),
          ':lease_until': numberValue(leaseUntil),
          ':now_iso': stringValue(new Date(nowMs).toISOString()),
          ':now_ms': numberValue(nowMs),
          ':zero': numberValue(0),
          ...(ticket === undefined ? {} : { ':ticket': numberValue(ticket) }),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      if (result.ok) {
        const state = this.#parse(result.response.Attributes ?? {});
        return { outcome: 'acquired', seq: state.requestedSeq, leaseExpiresAt: leaseUntil };
      }
      const stored = result.item ?? (await this.#getItem(orderDate));
      const state = stored === undefined ? undefined : this.#parse(stored);
      if (ticket !== undefined && state !== undefined && state.computedSeq >= ticket) {
        return { outcome: 'covered' };
      }
      if (
        state?.leaseHolder !== undefined &&
        state.leaseExpiresAt !== undefined &&
        state.leaseExpiresAt > nowMs
      ) {
        return { outcome: 'held', holder: state.leaseHolder, leaseExpiresAt: state.leaseExpiresAt };
      }
      if (round >= 3) throw new KpiDateContentionError(orderDate);
    }
  }

  /**
   * Extends the lease this worker holds to `now + leaseMs`.
   *
   * @returns the new lease end, epoch ms
   * @throws KpiDateLeaseLostError when another worker took the date over, or the lease was released
   */
  async renew(orderDate: string, workerId: string, leaseMs: number): Promise<number> {
    checkDate(orderDate);
    checkWorker(workerId);
    positive('leaseMs', leaseMs);
    const nowMs = this.#now();
    const leaseUntil = nowMs + leaseMs;
    const result = await this.#conditionalUpdate({
      TableName: this.#table,
      Key: keyOf(orderDate),
      UpdateExpression: 'SET #lease_expires_at = :lease_until, #updated_at = :now_iso',
      // Fencing: only the holder renews (an expired lease nobody took over is still this worker's).
      ConditionExpression: '#lease_holder = :me',
      ExpressionAttributeNames: names('#lease_expires_at', '#updated_at', '#lease_holder'),
      ExpressionAttributeValues: {
        ':me': stringValue(workerId),
        ':lease_until': numberValue(leaseUntil),
        ':now_iso': stringValue(new Date(nowMs).toISOString()),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    if (!result.ok) throw this.#leaseLost(orderDate, workerId, result);
    return leaseUntil;
  }

  /**
   * Records that the recompute this worker ran after acquiring with `seq` is written, and releases
   * the lease: `computed_seq = max(computed_seq, seq)`, both fenced on this worker holding the
   * lease. The first UpdateItem raises `computed_seq` when it is lower than `seq`; when it is not
   * (a later holder covered more already), a second one only releases the lease, so
   * `computed_seq` never decreases.
   *
   * @returns the state after the release: when `requestedSeq > computedSeq` requests arrived during
   *   the recompute and the date must run again (by this worker or by their callers)
   * @throws KpiDateLeaseLostError (retryable) when this worker no longer holds the lease
   */
  async complete(orderDate: string, workerId: string, seq: number): Promise<DateRecomputeState> {
    checkDate(orderDate);
    checkWorker(workerId);
    checkSeq(seq);
    const now = {
      ':now_iso': stringValue(new Date(this.#now()).toISOString()),
      ':me': stringValue(workerId),
    };
    const raised = await this.#conditionalUpdate({
      TableName: this.#table,
      Key: keyOf(orderDate),
      UpdateExpression:
        'SET #computed_seq = :seq, #updated_at = :now_iso REMOVE #lease_holder, #lease_expires_at',
      // A seq above requested_seq was never handed out: refusing it keeps computed_seq honest.
      ConditionExpression:
        '#lease_holder = :me AND #requested_seq >= :seq AND ' +
        '(attribute_not_exists(#computed_seq) OR #computed_seq < :seq)',
      ExpressionAttributeNames: names(
        '#computed_seq',
        '#updated_at',
        '#lease_holder',
        '#lease_expires_at',
        '#requested_seq',
      ),
      ExpressionAttributeValues: { ...now, ':seq': numberValue(seq) },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    if (raised.ok) return this.#parse(raised.response.Attributes ?? {});
    const stored = raised.item === undefined ? undefined : this.#parse(raised.item);
    if (stored !== undefined && stored.leaseHolder === workerId && seq > stored.requestedSeq) {
      throw new InvalidOptionError(
        'seq',
        `${seq} was never handed out (requested_seq is ${stored.requestedSeq})`,
      );
    }
    // computed_seq is already >= seq (or the item did not say): release only, still fenced.
    const released = await this.#conditionalUpdate({
      TableName: this.#table,
      Key: keyOf(orderDate),
      UpdateExpression: 'SET #updated_at = :now_iso REMOVE #lease_holder, #lease_expires_at',
      ConditionExpression: '#lease_holder = :me AND #computed_seq >= :seq',
      ExpressionAttributeNames: names('#updated_at', '#lease_holder', '#lease_expires_at', '#computed_seq'),
      ExpressionAttributeValues: { ...now, ':seq': numberValue(seq) },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    if (released.ok) return this.#parse(released.response.Attributes ?? {});
    throw this.#leaseLost(orderDate, workerId, released);
  }

  /**
   * The condition "`workerId` still holds the recompute lease of `orderDate`", for
   * `KpiRepository.replaceDate`: its writes land only while it holds, and a takeover makes them
   * fail with {@link KpiDateLeaseLostError}. An expired lease nobody took over still holds, as for
   * {@link renew}: no newer recompute of the date can have started.
   */
  leaseFence(orderDate: string, workerId: string): WriteFence {
    checkDate(orderDate);
    checkWorker(workerId);
    return {
      table: this.#table,
      key: keyOf(orderDate),
      condition: '#lease_holder = :me',
      names: names('#lease_holder'),
      values: { ':me': stringValue(workerId) },
      broken: () => new KpiDateLeaseLostError(orderDate, workerId, undefined),
    };
  }

  /**
   * {@link leaseFence} that also completes the recompute: the last transaction written under it
   * does what {@link complete} does (`computed_seq = seq`, lease released) in the same atomic
   * write as the date's last KPI rows, so a recompute costs no request of its own to complete,
   * and its rows and its coverage land together; `onCompleted` is called once they have, and a
   * caller whose writes did not go through the fence calls `complete` instead. Its condition adds
   * to the fence's `requested_seq >= seq` (a seq never handed out is refused, as in `complete`,
   * though as a lost lease) and `computed_seq <= seq`: `computed_seq` is raised only by a
   * holder's completion, and every later acquisition reads a `requested_seq` at least as high, so
   * while this worker holds the lease `computed_seq` cannot exceed its `seq`; should it ever, the
   * write is refused like a lost lease, nothing lands, and the lease lapses to the next holder,
   * whose run covers more.
   */
  completingFence(orderDate: string, workerId: string, seq: number, onCompleted?: () => void): WriteFence {
    checkSeq(seq);
    return {
      ...this.leaseFence(orderDate, workerId),
      closing: {
        update: 'SET #computed_seq = :seq, #updated_at = :now_iso REMOVE #lease_holder, #lease_expires_at',
        condition:
          '#requested_seq >= :seq AND (attribute_not_exists(#computed_seq) OR #computed_seq <= :seq)',
        names: names('#computed_seq', '#updated_at', '#lease_expires_at', '#requested_seq'),
        values: {
          ':seq': numberValue(seq),
          ':now_iso': stringValue(new Date(this.#now()).toISOString()),
        },
        ...(onCompleted === undefined ? {} : { onClosed: onCompleted }),
      },
    };
  }

  #leaseLost(orderDate: string, workerId: string, result: ConditionalResult<unknown>): KpiDateLeaseLostError {
    const holder =
      result.ok || result.item === undefined
        ? undefined
        : readString(result.item, 'lease_holder', this.#table);
    return new KpiDateLeaseLostError(orderDate, workerId, holder);
  }

  async #update(input: UpdateItemCommandInput): Promise<UpdateItemCommandOutput> {
    return callAws(this.#clients, 'DYNAMODB', 'UpdateItem', () =>
      retryingConflicts('UpdateItem', () => this.#clients.dynamodb.send(new UpdateItemCommand(input))),
    );
  }

  async #conditionalUpdate(
    input: UpdateItemCommandInput,
  ): Promise<ConditionalResult<UpdateItemCommandOutput>> {
    return conditionalWrite(this.#clients, 'UpdateItem', () =>
      this.#clients.dynamodb.send(new UpdateItemCommand(input)),
    );
  }

  async #getItem(orderDate: string): Promise<Item | undefined> {
    const response = await callAws(this.#clients, 'DYNAMODB', 'GetItem', () =>
      this.#clients.dynamodb.send(
        new GetItemCommand({ TableName: this.#table, Key: keyOf(orderDate), ConsistentRead: true }),
      ),
    );
    return response.Item;
  }

  #parse(item: Item): DateRecomputeState {
    const table = this.#table;
    const leaseHolder = readString(item, 'lease_holder', table);
    const leaseExpiresAt = readNumber(item, 'lease_expires_at', table);
    return {
      requestedSeq: readNumber(item, 'requested_seq', table) ?? 0,
      computedSeq: readNumber(item, 'computed_seq', table) ?? 0,
      ...(leaseHolder === undefined ? {} : { leaseHolder }),
      ...(leaseExpiresAt === undefined ? {} : { leaseExpiresAt }),
    };
  }
}

function checkSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new InvalidOptionError('seq', `must be the non-negative integer tryAcquire returned, got ${seq}`);
  }
}

function keyOf(orderDate: string): Item {
  return { order_date: stringValue(orderDate) };
}

function names(...placeholders: Placeholder[]): Record<string, string> {
  return Object.fromEntries(placeholders.map((placeholder) => [placeholder, NAMES[placeholder]]));
}

function checkDate(orderDate: string): void {
  if (orderDate === ANOMALY_JUDGE_LEASE) return;
  if (typeof orderDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(orderDate)) {
    throw new InvalidOptionError('orderDate', `must be a YYYY-MM-DD date, got ${String(orderDate)}`);
  }
}

function checkWorker(workerId: string): void {
  if (typeof workerId !== 'string' || workerId === '') {
    throw new InvalidOptionError('workerId', 'must be a non-empty string');
  }
}

function positive(option: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError(option, `must be an integer >= 1, got ${value}`);
  }
}
