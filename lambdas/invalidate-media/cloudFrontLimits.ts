/**
 * Wildcard paths CloudFront lets one distribution have in progress at once (its "concurrent
 * invalidation request maximum"): one invalidation never holds more, and the stack's batches
 * are no larger.
 */
export const MAX_WILDCARD_PATHS = 15;
