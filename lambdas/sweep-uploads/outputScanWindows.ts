/** Upload ids are random UUIDs: their first 8 hex digits, a 32-bit number, spread evenly over this. */
export const ID_SPACE = 2 ** 32;
/** Each run also covers a quarter interval before the previous run's end, so late or early runs leave no gap. */
const OVERLAP = 1.25;

/** A range of upload ids by their first 8 hex digits: `from` included, `to` excluded. */
export interface IdWindow {
  readonly from: number;
  readonly to: number;
}

/**
 * The ids whose outputs a run at `nowMs` checks. A clock hand goes round the id space once per
 * `cycleMs`; each run checks what the hand passed since the run before (runs are `intervalMs`
 * apart), so every upload is checked at least once a cycle without the sweep keeping a cursor.
 * A cycle no longer than that span checks every id in every run.
 */
export function outputScanWindows(nowMs: number, intervalMs: number, cycleMs: number): IdWindow[] {
  const span = intervalMs * OVERLAP;
  if (cycleMs <= span) return [{ from: 0, to: ID_SPACE }];
  const hand = (time: number) => Math.floor((positiveModulo(time, cycleMs) / cycleMs) * ID_SPACE);
  const from = hand(nowMs - span);
  const to = hand(nowMs);
  return from <= to ? [{ from, to }] : [{ from, to: ID_SPACE }, { from: 0, to }];
}

/** The first 8 hex digits an id at `position` starts with (what S3 sorts media prefixes by). */
export function idPrefixAt(position: number): string {
  return position.toString(16).padStart(8, '0');
}

function positiveModulo(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}
