/**
 * The waits before each retry of a webhook delivery that failed, in seconds: 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h (the schedule Standard Webhooks' authors run), so a receiver that is down
 * gets eight tries over 27.6 hours before the message is dead-lettered. Each wait is one
 * ChangeMessageVisibility of the failed message, within SQS's 12-hour limit.
 */
export const WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/** Receives of one delivery before SQS dead-letters it: the first try and one per wait. */
export function webhookMaxReceiveCount(delays: readonly number[]): number {
  return delays.length + 1;
}
