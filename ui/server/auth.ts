// Who may do what. Watching is open to local clients when the server listens on loopback only; driving (input,
// commands) needs the operator token; listening beyond loopback (an explicit --host) needs the token for
// watching too. Tokens compare in constant time. Browsers let any web page open a WebSocket to 127.0.0.1, so
// the upgrade also checks the Origin (a page of this server, or any loopback page when listening on loopback:
// the Vite dev server) and, on loopback, the Host header (against DNS rebinding).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** A fresh operator token: 128 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether a listen address (or a Host/Origin hostname) is loopback only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The hostname of a Host header or an origin's host (no port, brackets kept off IPv6). */
function hostnameOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (m) return m[1];
  const i = hostHeader.lastIndexOf(':');
  return i > 0 && hostHeader.indexOf(':') === i ? hostHeader.slice(0, i) : hostHeader;
}

/**
 * Why a WebSocket upgrade is refused, or null. `loopbackOnly`: the server listens on loopback; `selfHost`: the
 * Host of this server's own pages (host:port).
 */
export function upgradeProblem(req: IncomingMessage, loopbackOnly: boolean, selfHost: string): string | null {
  const host = req.headers.host ?? '';
  if (loopbackOnly && !isLoopbackHost(hostnameOf(host))) return `Host '${host}' is not this loopback server`;
  const origin = req.headers.origin;
  if (origin === undefined) return null; // not a browser (a script, a device bridge)
  // 'null': a sandboxed frame or a file:// page, which any web site can make: refused.
  if (origin === 'null') return 'an opaque Origin (null) may not connect';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `bad Origin '${origin}'`;
  }
  if (url.host === host || url.host === selfHost) return null;
  if (loopbackOnly && isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ''))) return null;
  return `Origin '${origin}' may not connect (pages of this server${loopbackOnly ? ' or of a loopback address' : ''} only)`;
}
