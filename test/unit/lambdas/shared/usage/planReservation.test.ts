import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuotaExceededError, RateLimitedError } from '../../../../../lambdas/shared/errors.js';
import { GiB, MiB } from '../../../../../lambdas/shared/mediaPolicy.js';
import { planReservation, type ReservationRequest } from '../../../../../lambdas/shared/usage/planReservation.js';
import type { UsageLimits, UserUsage } from '../../../../../lambdas/shared/usage/UserUsage.js';

const LIMITS: UsageLimits = {
  maxActiveUploadsPerUser: 5,
  maxBytesInFlightPerUser: 40 * GiB,
  maxStoredBytesPerUser: 100 * GiB,
  maxUploadsPerHourPerUser: 100,
};
// 2026-03-01T12:20:00Z: hour 492324 since the epoch, 40 minutes before it ends.
const NOW = new Date('2026-03-01T12:20:00.000Z');
const HOUR = 492_324;

function request(overrides: Partial<ReservationRequest> = {}): ReservationRequest {
  return { ownerId: 'owner-1', uploadId: 'new-upload', size: GiB, now: NOW, ...overrides };
}

function usage(overrides: Partial<UserUsage> = {}): UserUsage {
  return {
    ownerId: 'owner-1',
    activeUploads: 0,
    bytesInFlight: 0,
    bytesHeld: 0,
    hour: HOUR,
    uploadsThisHour: 0,
    active: {},
    released: {},
    updatedAt: '2026-03-01T12:00:00.000Z',
    ...overrides,
  };
}

function refusal(plan: ReturnType<typeof planReservation>): QuotaExceededError | RateLimitedError {
  if (plan.kind !== 'refused') throw new Error(`expected a refusal, got ${plan.kind}`);
  return plan.error;
}

describe('planReservation', () => {
  it("creates a user's first item with the share, the counters and this hour's first upload", () => {
    const plan = planReservation(undefined, request(), LIMITS);

    const share = { size: GiB, phase: 'initiated', reservedAt: NOW.toISOString() };
    expect(plan).toEqual({
      kind: 'write',
      change: {
        update:
          'SET #activeUploads = :one, #bytesInFlight = :size, #bytesHeld = :size, #hour = :hour, #uploadsThisHour = :one, ' +
          '#active = :shares, #released = :none, #updatedAt = :now',
        condition: 'attribute_not_exists(#ownerId)',
        names: {
          '#ownerId': 'ownerId',
          '#activeUploads': 'activeUploads',
          '#bytesInFlight': 'bytesInFlight',
          '#bytesHeld': 'bytesHeld',
          '#hour': 'hour',
          '#uploadsThisHour': 'uploadsThisHour',
          '#active': 'active',
          '#released': 'released',
          '#updatedAt': 'updatedAt',
        },
        values: { ':one': 1, ':size': GiB, ':hour': HOUR, ':shares': { 'new-upload': share }, ':none': {}, ':now': NOW.toISOString() },
      },
    });
  });

  it('adds the share in the same hour under a condition that restates every limit against the item as written', () => {
    const plan = planReservation(usage({ activeUploads: 2, bytesInFlight: 3 * GiB, bytesHeld: 10 * GiB, uploadsThisHour: 7 }), request(), LIMITS);

    if (plan.kind !== 'write') throw new Error(plan.kind);
    expect(plan.change.update).toBe(
      'SET #active.#upload = :share, #updatedAt = :now ADD #activeUploads :one, #bytesInFlight :size, #bytesHeld :size, #uploadsThisHour :one',
    );
    expect(plan.change.condition).toBe(
      'attribute_not_exists(#active.#upload) AND #activeUploads < :maxActive AND #bytesInFlight <= :inFlightRoom AND ' +
        '#bytesHeld <= :heldRoom AND #hour = :seenHour AND #uploadsThisHour < :maxPerHour',
    );
    expect(plan.change.names['#upload']).toBe('new-upload');
    expect(plan.change.values).toMatchObject({
      ':maxActive': 5,
      ':inFlightRoom': 39 * GiB,
      ':heldRoom': 99 * GiB,
      ':seenHour': HOUR,
      ':maxPerHour': 100,
    });
  });

  it('starts a new hour count when the item counts an earlier hour, on condition that nobody started it first', () => {
    const plan = planReservation(usage({ hour: HOUR - 3, uploadsThisHour: 100 }), request(), LIMITS);

    if (plan.kind !== 'write') throw new Error(plan.kind);
    expect(plan.change.update).toBe(
      'SET #active.#upload = :share, #hour = :hour, #uploadsThisHour = :one, #updatedAt = :now ADD #activeUploads :one, #bytesInFlight :size, #bytesHeld :size',
    );
    expect(plan.change.condition).toMatch(/ AND #hour < :hour$/);
    expect(plan.change.values[':hour']).toBe(HOUR);
  });

  it('keeps counting the hour another function with a clock ahead already began', () => {
    const plan = planReservation(usage({ hour: HOUR + 1, uploadsThisHour: 100 }), request(), LIMITS);

    expect(refusal(plan)).toBeInstanceOf(RateLimitedError);
  });

  it('finds its own share from an earlier attempt of the same reservation and plans nothing more', () => {
    const existing = usage({ activeUploads: 5, active: { 'new-upload': { size: GiB, phase: 'initiated', reservedAt: NOW.toISOString() } } });

    expect(planReservation(existing, request(), LIMITS)).toEqual({ kind: 'held' });
  });

  it('refuses the sixth unfinished upload with 403, naming the limit and the figure', () => {
    const error = refusal(planReservation(usage({ activeUploads: 5 }), request(), LIMITS));

    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ statusCode: 403, code: 'QUOTA_EXCEEDED', expose: true });
    expect(error.message).toBe(
      'You have 5 unfinished uploads and the limit is 5 per user; complete or cancel one, or wait until one finishes processing, then try again',
    );
  });

  it('accepts bytes in flight up to the limit exactly, and refuses one byte more with the figures', () => {
    const busy = usage({ bytesInFlight: 39 * GiB, bytesHeld: 39 * GiB });
    expect(planReservation(busy, request({ size: GiB }), LIMITS).kind).toBe('write');

    const error = refusal(planReservation(busy, request({ size: GiB + 1 }), LIMITS));
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error.message).toBe(
      'Your uploads in progress declare 39 GiB (41875931136 bytes); with this one (1.0 GiB (1073741825 bytes)) that is over ' +
        'the limit of 40 GiB (42949672960 bytes) in flight per user; complete or cancel an upload first',
    );
  });

  it('counts bytes in flight against the stored limit too, so every upload in flight can complete', () => {
    const full = usage({ bytesInFlight: 10 * GiB, bytesHeld: 99 * GiB });

    const error = refusal(planReservation(full, request({ size: GiB + 1 }), LIMITS));
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error.message).toBe(
      'You keep 89 GiB (95563022336 bytes) of uploads and 10 GiB (10737418240 bytes) are in flight; with this one ' +
        '(1.0 GiB (1073741825 bytes)) that is over the limit of 100 GiB (107374182400 bytes) stored per user; delete uploads you no longer need',
    );
    expect(planReservation(full, request({ size: GiB }), LIMITS).kind).toBe('write');
  });

  it('refuses the 101st upload of the hour with 429 and the seconds until the hour ends', () => {
    const error = refusal(planReservation(usage({ uploadsThisHour: 100 }), request(), LIMITS));

    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', retryAfterSeconds: 2400, headers: { 'retry-after': '2400' } });
    expect(error.message).toBe(
      'You created 100 uploads this hour and the limit is 100 per hour; try again after 2026-03-01T13:00:00.000Z (in 40 min)',
    );
  });

  it('names a quota before the hourly limit when both refuse', () => {
    expect(refusal(planReservation(usage({ activeUploads: 5, uploadsThisHour: 100 }), request(), LIMITS))).toBeInstanceOf(QuotaExceededError);
  });

  it('property: plans a write exactly when the figures leave room under every limit', () => {
    const small: UsageLimits = { maxActiveUploadsPerUser: 3, maxBytesInFlightPerUser: 10 * MiB, maxStoredBytesPerUser: 30 * MiB, maxUploadsPerHourPerUser: 4 };
    const state = fc
      .record({
        activeUploads: fc.integer({ min: 0, max: 4 }),
        bytesInFlight: fc.integer({ min: 0, max: 12 * MiB }),
        stored: fc.integer({ min: 0, max: 32 * MiB }),
        hour: fc.integer({ min: HOUR - 2, max: HOUR + 1 }),
        uploadsThisHour: fc.integer({ min: 0, max: 5 }),
      })
      .map(({ stored, ...rest }) => usage({ ...rest, bytesHeld: stored + rest.bytesInFlight }));
    fc.assert(
      fc.property(state, fc.integer({ min: 1, max: 12 * MiB }), (current, size) => {
        const plan = planReservation(current, request({ size }), small);
        const thisHour = current.hour >= HOUR ? current.uploadsThisHour : 0;
        const quotaRoom = current.activeUploads < 3 && current.bytesInFlight + size <= 10 * MiB && current.bytesHeld + size <= 30 * MiB;
        expect(plan.kind).toBe(quotaRoom && thisHour < 4 ? 'write' : 'refused');
        if (plan.kind === 'write') {
          expect(plan.change.values[':inFlightRoom']).toBe(10 * MiB - size);
          expect(plan.change.values[':heldRoom']).toBe(30 * MiB - size);
        }
        if (plan.kind === 'refused') expect(plan.error.statusCode).toBe(quotaRoom ? 429 : 403);
      }),
      { numRuns: 500 },
    );
  });
});
