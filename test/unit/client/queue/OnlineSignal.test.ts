import { describe, expect, it } from 'vitest';
import { browserOnlineSignal, createOnlineSignal } from '../../../../client/queue/OnlineSignal.js';

/** A window as the signal sees it: navigator.onLine and the online/offline events. */
function fakeWindow(onLine: boolean) {
  const events = new EventTarget();
  const window = {
    navigator: { onLine },
    addEventListener: (type: 'online' | 'offline', listener: () => void) => events.addEventListener(type, listener),
    removeEventListener: (type: 'online' | 'offline', listener: () => void) => events.removeEventListener(type, listener),
  };
  const go = (online: boolean) => {
    window.navigator.onLine = online;
    events.dispatchEvent(new Event(online ? 'online' : 'offline'));
  };
  return { window, go };
}

describe('browserOnlineSignal', () => {
  it("reads navigator.onLine and hears the window's online and offline events until unsubscribed", () => {
    const { window, go } = fakeWindow(true);
    const signal = browserOnlineSignal(window);
    const heard: boolean[] = [];

    const unsubscribe = signal.subscribe((online) => heard.push(online));
    go(false);
    expect(signal.online).toBe(false);
    go(true);
    unsubscribe();
    go(false);

    expect(heard).toEqual([false, true]);
  });
});

describe('createOnlineSignal', () => {
  it('tells listeners of each change the app sets, and only of changes', () => {
    const signal = createOnlineSignal(false);
    const heard: boolean[] = [];
    signal.subscribe((online) => heard.push(online));

    signal.set(false);
    signal.set(true);
    signal.set(true);

    expect(signal.online).toBe(true);
    expect(heard).toEqual([true]);
  });
});
