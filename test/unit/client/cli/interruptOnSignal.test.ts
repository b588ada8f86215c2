import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { interruptOnSignal } from '../../../../client/cli/interruptOnSignal.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exit = vi.fn();
  return { source: { on: emitter.on.bind(emitter), exit: exit as unknown as (code: number) => never }, emitter, exit };
}

describe('interruptOnSignal', () => {
  it('aborts on the first Ctrl-C without exiting', () => {
    const { source, emitter, exit } = fakeProcess();
    const signal = interruptOnSignal(source, { now: () => 0 });

    expect(signal.aborted).toBe(false);
    emitter.emit('SIGINT');

    expect(signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();
  });

  it('takes a repeat within a second (the terminal and npx both deliver one Ctrl-C) as the same keypress', () => {
    const { source, emitter, exit } = fakeProcess();
    let now = 5_000;
    interruptOnSignal(source, { now: () => now });

    emitter.emit('SIGINT');
    now += 999;
    emitter.emit('SIGINT');

    expect(exit).not.toHaveBeenCalled();
  });

  it('exits with 130 on a Ctrl-C a second or more after the first', () => {
    const { source, emitter, exit } = fakeProcess();
    let now = 5_000;
    interruptOnSignal(source, { now: () => now });

    emitter.emit('SIGINT');
    emitter.emit('SIGINT');
    now += 1_000;
    emitter.emit('SIGINT');

    expect(exit).toHaveBeenCalledExactlyOnceWith(130);
  });
});
