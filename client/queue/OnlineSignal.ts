/**
 * Tells an upload queue whether the device is online. Browsers have one built in
 * (`browserOnlineSignal`); elsewhere the app feeds one (`createOnlineSignal`, e.g. from React
 * Native's NetInfo).
 */
export interface OnlineSignal {
  readonly online: boolean;
  /** Calls `listener` whenever `online` changes; returns the unsubscribe. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** An OnlineSignal the app sets itself. */
export interface SettableOnlineSignal extends OnlineSignal {
  set(online: boolean): void;
}

export function createOnlineSignal(initial = true): SettableOnlineSignal {
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  return {
    get online() {
      return online;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === online) return;
      online = next;
      for (const listener of [...listeners]) listener(online);
    },
  };
}

interface BrowserWindow {
  readonly navigator: { readonly onLine: boolean };
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/**
 * `navigator.onLine` and the window's `online`/`offline` events. A browser can say online while
 * nothing gets through (a captive portal): the queue also waits out failed requests, so this
 * only spares it from trying while the browser knows it is offline.
 */
export function browserOnlineSignal(target: BrowserWindow = globalThis as unknown as BrowserWindow): OnlineSignal {
  return {
    get online() {
      return target.navigator.onLine;
    },
    subscribe(listener) {
      const online = () => listener(true);
      const offline = () => listener(false);
      target.addEventListener('online', online);
      target.addEventListener('offline', offline);
      return () => {
        target.removeEventListener('online', online);
        target.removeEventListener('offline', offline);
      };
    },
  };
}

const ALWAYS_ONLINE: OnlineSignal = { online: true, subscribe: () => () => undefined };

/** The browser's signal where there is one; elsewhere always online, until the app passes its own. */
export function defaultOnlineSignal(): OnlineSignal {
  const scope = globalThis as { navigator?: { onLine?: unknown }; addEventListener?: unknown };
  return typeof scope.addEventListener === 'function' && typeof scope.navigator?.onLine === 'boolean' ? browserOnlineSignal() : ALWAYS_ONLINE;
}
