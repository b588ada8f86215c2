/** Where the page talks to and as whom: the API's base URL and a bearer token. */
export interface Session {
  readonly apiUrl: string;
  readonly token: string;
}

const STORAGE_KEY = 'media-pipeline-demo-session';

/**
 * The session, from the address's fragment (`#token=…&api=…`, as local mode prints it: a
 * fragment never reaches a server) or else from the last sign-in on this device. A token in
 * the fragment is removed from the address bar once read. Without `api` the API is the page's
 * own origin (local mode serves the page) or the `apiUrl` of `config.json` (a deployed page).
 */
export function readSession(location: Location, defaultApiUrl: string | undefined): Session | undefined {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  if (token) {
    const session = { apiUrl: trimSlash(fragment.get('api') ?? defaultApiUrl ?? location.origin), token };
    saveSession(session);
    history.replaceState(null, '', location.pathname + location.search);
    return session;
  }
  const stored = localStorage.getItem(STORAGE_KEY);
  if (!stored) return undefined;
  try {
    const session = JSON.parse(stored) as Partial<Session>;
    return typeof session.apiUrl === 'string' && typeof session.token === 'string' ? { apiUrl: session.apiUrl, token: session.token } : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...session, apiUrl: trimSlash(session.apiUrl) }));
}

export function clearSession(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** The token's subject, for the header; nothing is verified here (the API does that). */
export function tokenSubject(token: string): string | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; username?: unknown };
    const name = payload.username ?? payload.sub;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
