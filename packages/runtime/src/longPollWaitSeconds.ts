/** The SQS maximum long-poll wait. */
const MAX_WAIT_SECONDS = 20;

/** Left after the last receive ends for handing back what it took (a send and a delete each). */
const HAND_BACK_SECONDS = 2;

/**
 * The long-poll wait that fits in the shutdown grace. A stopping poller lets its pending receive
 * finish, because SQS completes a long poll whose client went away and keeps what it took
 * invisible for the whole visibility timeout; so the wait must end, with the hand-back after it,
 * within the grace. The SQS maximum (20 s) when the grace allows it, as it does by default: each
 * shorter wait costs more empty receives on an idle queue (one request per wait, about 130,000
 * a month per task at 20 s, 2.6 million at 1 s). Never below 1 s, since a 0 s wait (short
 * polling) would spin the loop on an empty queue; a grace of 2 s or less therefore leaves no
 * room for the hand-back, and a receive still pending at the deadline is abandoned.
 *
 * @example
 * longPollWaitSeconds(25); // 20
 * longPollWaitSeconds(10); // 8
 */
export function longPollWaitSeconds(shutdownGraceSeconds: number): number {
  return Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.floor(shutdownGraceSeconds - HAND_BACK_SECONDS)));
}
