import { isIP } from 'node:net';

/**
 * What keeps a web page from reading or driving a server on this machine (the local server and `serve`).
 * A page on a rebinding domain reaches 127.0.0.1 under its own name, so a request is answered only when its
 * `Host` names this server (a loopback name, the configured `HOST`, or one in `ALLOWED_HOSTS`): `421`
 * otherwise. A page on any site can still send a form or a `no-cors` POST, so a request that changes state
 * is refused (`403`) when the browser says it is cross-site (`Sec-Fetch-Site: cross-site`) or its `Origin`
 * is not this server's own. The CLI and curl send neither header and are unaffected. The deployed api
 * Lambda sits behind IAM and does not use this guard.
 */
export interface BrowserGuardOptions {
  /** Host names (any port) or `name:port` pairs answered besides the loopback names. */
  readonly allowedHosts: readonly string[];
}

export type GuardVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 421 | 403; readonly message: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Host` (or an allowed entry) split into a lower-case name without brackets or trailing dot, and a port. */
export function splitHost(value: string): { readonly name: string; readonly port: string | null } | null {
  const trimmed = value.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(trimmed);
  if (bracketed) return { name: bracketed[1] as string, port: bracketed[2] ?? null };
  if (isIP(trimmed) === 6) return { name: trimmed, port: null };
  const plain = /^([a-z0-9._-]+?)\.?(?::(\d{1,5}))?$/.exec(trimmed);
  if (!plain || plain[1] === '') return null;
  return { name: plain[1] as string, port: plain[2] ?? null };
}

/** Names that only ever resolve to this machine: `localhost` (and its subdomains), 127/8, `::1`. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The guard as a function of one request's method and headers; `allowedHosts` holds the configured `HOST`
 * (a wildcard bind adds nothing: name the host in `ALLOWED_HOSTS`) and `ALLOWED_HOSTS`.
 */
export function browserGuard(options: BrowserGuardOptions) {
  const allowed = options.allowedHosts
    .map((entry) => splitHost(entry))
    .filter((entry): entry is NonNullable<typeof entry> => entry !== null && !WILDCARDS.has(entry.name));

  function hostAllowed(host: string): boolean {
    const parsed = splitHost(host);
    if (parsed === null) return false;
    if (isLoopbackName(parsed.name)) return true;
    return allowed.some(
      (entry) => entry.name === parsed.name && (entry.port === null || entry.port === parsed.port),
    );
  }

  return (method: string, header: (name: string) => string | undefined): GuardVerdict => {
    const host = header('host');
    if (host === undefined || !hostAllowed(host)) {
      return {
        ok: false,
        status: 421,
        message: `this server does not answer for host "${(host ?? '').slice(0, 100)}"; add it to ALLOWED_HOSTS to allow it`,
      };
    }
    if (SAFE_METHODS.has(method.toUpperCase())) return { ok: true };
    if (header('sec-fetch-site')?.trim().toLowerCase() === 'cross-site') {
      return { ok: false, status: 403, message: 'cross-site requests may not change anything here' };
    }
    const origin = header('origin');
    if (origin !== undefined && !sameOrigin(origin, host)) {
      return { ok: false, status: 403, message: 'requests from another origin may not change anything here' };
    }
    return { ok: true };
  };
}

/** Whether `Origin` is this server as the request named it (`Origin: null` never is). */
function sameOrigin(origin: string, host: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const named = splitHost(host);
  const from = splitHost(url.host);
  if (named === null || from === null) return false;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  return named.name === from.name && (named.port ?? defaultPort) === (from.port ?? defaultPort);
}
