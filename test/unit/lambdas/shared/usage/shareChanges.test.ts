import { describe, expect, it } from 'vitest';
import { planShareChange, planShareResize, planStoredRelease } from '../../../../../lambdas/shared/usage/shareChanges.js';
import { RELEASES_REMEMBERED, type UploadShare, type UserUsage } from '../../../../../lambdas/shared/usage/UserUsage.js';

const NOW = new Date('2026-03-01T12:20:00.000Z');

function share(phase: UploadShare['phase'], size = 700): UploadShare {
  return { size, phase, reservedAt: '2026-03-01T12:00:00.000Z' };
}

function usage(overrides: Partial<UserUsage> = {}): UserUsage {
  return {
    ownerId: 'owner-1',
    activeUploads: 1,
    bytesInFlight: 700,
    bytesHeld: 5_700,
    hour: 492_324,
    uploadsThisHour: 1,
    active: { u1: share('initiated') },
    released: {},
    updatedAt: '2026-03-01T12:00:00.000Z',
    ...overrides,
  };
}

describe('planShareChange', () => {
  it('completes an initiated share: its bytes leave the bytes in flight and stay held', () => {
    expect(planShareChange(usage(), 'u1', 'completed', NOW)).toEqual({
      update: 'SET #active.#upload.#phase = :completed, #updatedAt = :now ADD #bytesInFlight :minusSize',
      condition: '#active.#upload.#phase = :phase',
      names: { '#active': 'active', '#upload': 'u1', '#phase': 'phase', '#updatedAt': 'updatedAt', '#bytesInFlight': 'bytesInFlight' },
      values: { ':completed': 'completed', ':now': NOW.toISOString(), ':minusSize': -700, ':phase': 'initiated' },
    });
  });

  it('plans nothing for a share already completed, or for none', () => {
    expect(planShareChange(usage({ active: { u1: share('completed') } }), 'u1', 'completed', NOW)).toBeUndefined();
    expect(planShareChange(usage(), 'u2', 'kept', NOW)).toBeUndefined();
    expect(planShareChange(undefined, 'u1', 'dropped', NOW)).toBeUndefined();
  });

  it.each([
    ['kept', 'completed', '#activeUploads :minusOne'],
    ['kept', 'initiated', '#activeUploads :minusOne, #bytesInFlight :minusSize'],
    ['dropped', 'completed', '#activeUploads :minusOne, #bytesHeld :minusSize'],
    ['dropped', 'initiated', '#activeUploads :minusOne, #bytesInFlight :minusSize, #bytesHeld :minusSize'],
  ] as const)('ends a share (%s, from %s): removes it and subtracts %s', (change, phase, adds) => {
    const plan = planShareChange(usage({ active: { u1: share(phase) } }), 'u1', change, NOW);

    expect(plan).toMatchObject({
      update: `REMOVE #active.#upload SET #updatedAt = :now ADD ${adds}`,
      condition: '#active.#upload.#phase = :phase',
      values: expect.objectContaining({ ':phase': phase, ':minusOne': -1 }),
    });
  });
});

describe('planStoredRelease', () => {
  const kept = usage({ activeUploads: 0, active: {} });

  it("releases a kept upload's bytes once, remembering its id in the same write", () => {
    expect(planStoredRelease(kept, 'u9', 2_000, NOW)).toEqual({
      update: 'SET #released.#upload = :at, #updatedAt = :now ADD #bytesHeld :minusSize',
      condition: 'attribute_not_exists(#released.#upload) AND attribute_not_exists(#active.#upload)',
      names: { '#released': 'released', '#upload': 'u9', '#updatedAt': 'updatedAt', '#bytesHeld': 'bytesHeld', '#active': 'active' },
      values: { ':at': NOW.getTime(), ':now': NOW.toISOString(), ':minusSize': -2_000 },
    });
  });

  it('releases nothing for a remembered id, an upload that still has a share, or a user without an item', () => {
    expect(planStoredRelease(usage({ released: { u9: 1 } }), 'u9', 2_000, NOW)).toBeUndefined();
    expect(planStoredRelease(usage(), 'u1', 700, NOW)).toBeUndefined();
    expect(planStoredRelease(undefined, 'u9', 2_000, NOW)).toBeUndefined();
  });

  it(`forgets the oldest remembered ids beyond ${RELEASES_REMEMBERED} in the same write`, () => {
    const released = Object.fromEntries(Array.from({ length: RELEASES_REMEMBERED + 1 }, (_, index) => [`old-${index}`, 1_000 + index]));
    const plan = planStoredRelease(usage({ released }), 'u9', 2_000, NOW);

    expect(plan?.update).toBe('SET #released.#upload = :at, #updatedAt = :now REMOVE #released.#old0, #released.#old1 ADD #bytesHeld :minusSize');
    expect(plan?.names).toMatchObject({ '#old0': 'old-0', '#old1': 'old-1' });
  });

  it('sets held to what is in flight instead of below it when drifted counters hold less than the upload', () => {
    const plan = planStoredRelease(usage({ bytesHeld: 1_000, bytesInFlight: 700, active: {} }), 'u9', 2_000, NOW);

    expect(plan).toMatchObject({
      update: 'SET #released.#upload = :at, #updatedAt = :now, #bytesHeld = :seenInFlight',
      condition:
        'attribute_not_exists(#released.#upload) AND attribute_not_exists(#active.#upload) AND #bytesHeld = :seenHeld AND #bytesInFlight = :seenInFlight',
      values: expect.objectContaining({ ':seenHeld': 1_000, ':seenInFlight': 700 }),
    });
  });
});

describe('planShareResize', () => {
  it('sets an initiated share to the measured size, moving in-flight and held bytes by the difference in one conditional write', () => {
    expect(planShareResize(usage(), 'u1', 300, NOW)).toEqual({
      update: 'SET #active.#upload.#size = :size, #updatedAt = :now ADD #bytesInFlight :delta, #bytesHeld :delta',
      condition: '#active.#upload.#phase = :initiated AND #active.#upload.#size = :seenSize',
      names: {
        '#active': 'active',
        '#upload': 'u1',
        '#size': 'size',
        '#updatedAt': 'updatedAt',
        '#bytesInFlight': 'bytesInFlight',
        '#bytesHeld': 'bytesHeld',
        '#phase': 'phase',
      },
      values: { ':size': 300, ':now': NOW.toISOString(), ':delta': -400, ':initiated': 'initiated', ':seenSize': 700 },
    });
  });

  it('plans nothing at the same size (a repeat), for a completed share, or for none', () => {
    expect(planShareResize(usage(), 'u1', 700, NOW)).toBeUndefined();
    expect(planShareResize(usage({ active: { u1: share('completed') } }), 'u1', 300, NOW)).toBeUndefined();
    expect(planShareResize(usage(), 'u2', 300, NOW)).toBeUndefined();
    expect(planShareResize(undefined, 'u1', 300, NOW)).toBeUndefined();
  });
});
