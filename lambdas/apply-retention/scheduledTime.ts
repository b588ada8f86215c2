import type { ScheduledEvent } from 'aws-lambda';

/**
 * The time of the schedule's tick (`time`, whole seconds): rules measured in days are applied as
 * of the tick, so a retried delivery acts no earlier than the first would have, and local mode
 * injects a time by sending a tick that carries it. An event without a readable time is taken as now.
 */
export function scheduledTime(event: Pick<ScheduledEvent, 'time'> | undefined, now: Date = new Date()): Date {
  const at = typeof event?.time === 'string' ? Date.parse(event.time) : Number.NaN;
  return Number.isNaN(at) ? now : new Date(at);
}
