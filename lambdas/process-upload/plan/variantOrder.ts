import type { RenditionPlan } from './videoLadder.js';

/**
 * The video cap of the rendition a player should start with: players play the first variant of
 * a master playlist first, and Apple's HLS authoring spec suggests starting around 2 Mbit/s (a
 * good picture at once on Wi-Fi, without stalling a phone on cellular before its estimate
 * catches up).
 */
export const STARTING_VARIANT_MAX_KBPS = 2000;

/**
 * The order renditions are listed in a master playlist, as indexes into `renditions` (smallest
 * first): the starting one first (the largest whose cap is at most STARTING_VARIANT_MAX_KBPS,
 * else the smallest), then the others from the smallest up. The record's `media.renditions`
 * keeps the ladder's order.
 */
export function playlistOrder(renditions: readonly RenditionPlan[]): number[] {
  const indexes = renditions.map((_, index) => index);
  const fitting = indexes.filter((index) => (renditions[index] as RenditionPlan).videoKbps <= STARTING_VARIANT_MAX_KBPS);
  const start = fitting.length > 0 ? (fitting[fitting.length - 1] as number) : 0;
  return [start, ...indexes.filter((index) => index !== start)];
}
