// The dashboard API client: JSON in and out, the session's CSRF token on every mutation.
import { useCallback, useEffect, useState } from 'preact/hooks';

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

let csrf: Promise<string> | null = null;

function session(): Promise<string> {
  csrf ??= fetch('/api/session', { credentials: 'same-origin' })
    .then((r) => {
      if (r.status === 401) window.location.assign('/login?next=' + encodeURIComponent(location.pathname));
      return r.json() as Promise<{ csrf: string }>;
    })
    .then((s) => s.csrf)
    .catch((e: unknown) => {
      csrf = null;
      throw e;
    });
  return csrf;
}

async function handle<T>(r: Response): Promise<T> {
  const type = r.headers.get('content-type') ?? '';
  if (!r.ok) {
    if (r.status === 401) window.location.assign('/login?next=' + encodeURIComponent(location.pathname));
    const body = type.includes('json') ? ((await r.json()) as { error?: string; issues?: Issue[] }) : { error: await r.text() };
    throw new ApiError(r.status, body.error ?? `HTTP ${r.status}`, body.issues ?? []);
  }
  return (type.includes('application/json') ? r.json() : r.text()) as Promise<T>;
}

export async function get<T>(path: string): Promise<T> {
  return handle<T>(await fetch(path, { credentials: 'same-origin' }));
}

export async function send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown): Promise<T> {
  const token = await session();
  const r = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Distillguard-CSRF': token },
    body: JSON.stringify(body),
  });
  return handle<T>(r);
}

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

/** GET a path; refetches when the path changes or on reload(). */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    get<T>(path).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: Error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

const ANALYST_KEY = 'dg.analyst';
export function analystName(): string {
  return localStorage.getItem(ANALYST_KEY) || 'analyst';
}
export function setAnalystName(name: string): void {
  localStorage.setItem(ANALYST_KEY, name);
}
