// One client connection: the protocol's rules for what comes in. Rate limit first (an excess message is dropped
// unread), then size, UTF-8 and JSON, then `hello` (required first; the token decides the role), then the
// message's schema (ui/protocol.ts), then the role (viewers may not drive), then the simulation. Every refusal
// is an `error` reply naming the problem; nothing of a refused message is applied, and the connection stays open
// (except after five wrong tokens, or no hello within 10 s). A handler that throws becomes an `internal` error.
// Until a client is an operator it has nothing to send but a hello: it gets small frames and a low rate, so that
// nobody without the token can keep the server busy parsing.
import type { RawData, WebSocket } from 'ws';
import type { z } from 'zod';
import {
  clientMessageSchema, helloSchema, LIMITS, type ErrorCode, type ErrorMessage, type ServerMessage,
} from '../protocol.ts';
import { tokenMatches } from './auth.ts';
import { DeviceClock } from './device-clock.ts';
import { ClientError } from './errors.ts';
import type { SimHost } from './sim-host.ts';
import { RateLimiter } from './rate-limit.ts';

export type Role = 'viewer' | 'operator';

export interface ConnectionPolicy {
  readonly token: string;
  /** Viewers need the token too (the server listens beyond loopback). */
  readonly viewerNeedsToken: boolean;
}

export const HELLO_TIMEOUT_MS = 10_000;
export const MAX_HELLO_FAILURES = 5;
/** Before hello and for viewers: largest frame (a hello is a few hundred bytes) and messages a second. */
export const UNTRUSTED_MAX_BYTES = 4096;
export const UNTRUSTED_MESSAGES_PER_SECOND = 20;
/** At most one `rate_limited` reply per this many ms (the excess messages themselves get none). */
const RATE_ERROR_INTERVAL_MS = 250;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ClientConnection {
  role: Role | undefined;
  /** Name the client gave in hello (for the log). */
  name = '';
  private limiter: RateLimiter;
  private dropped = 0;
  private lastRateError = Number.NEGATIVE_INFINITY;
  private helloFailures = 0;
  private readonly helloTimer: ReturnType<typeof setTimeout>;
  /** The last `enable` this connection sent per robot, for the run it was sent in. */
  private readonly presence = new Map<string, boolean>();
  private presenceGeneration = -1;
  /** The sender's clock (input `ts`) against this server's: one per connection. */
  private readonly deviceClock = new DeviceClock();
  /** State messages skipped because the socket was backed up. */
  skipped = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly sim: SimHost,
    private readonly policy: ConnectionPolicy,
    private readonly log: (line: string) => void,
    readonly address: string,
  ) {
    this.limiter = new RateLimiter(UNTRUSTED_MESSAGES_PER_SECOND, performance.now());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    // Socket errors (a reset, an oversized frame) end in 'close'; nothing to do here but not crash.
    ws.on('error', () => undefined);
    ws.on('close', () => clearTimeout(this.helloTimer));
    this.helloTimer = setTimeout(() => {
      if (this.role) return;
      this.error('not_hello', `no hello within ${HELLO_TIMEOUT_MS / 1000} s: closing`);
      ws.close(1008, 'no hello');
    }, HELLO_TIMEOUT_MS);
    this.helloTimer.unref?.();
  }

  send(m: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(m));
  }

  error(code: ErrorCode, message: string, id?: number): void {
    const m: ErrorMessage = id === undefined ? { type: 'error', code, message } : { type: 'error', code, message, id };
    this.send(m);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const now = performance.now();
    if (!this.limiter.take(now)) {
      this.dropped++;
      if (now - this.lastRateError >= RATE_ERROR_INTERVAL_MS) {
        this.lastRateError = now;
        const rate = this.role === 'operator' ? LIMITS.maxMessagesPerSecond : UNTRUSTED_MESSAGES_PER_SECOND;
        this.error('rate_limited', `over ${rate} messages a second${this.role === 'operator' ? '' : ' before hello or as a viewer'}: ${this.dropped} dropped so far, unread`);
      }
      return;
    }
    const at = performance.timeOrigin + now;
    let id: number | undefined;
    try {
      const raw = this.decode(data, isBinary);
      id = commandId(raw);
      this.handle(raw, id, at);
    } catch (e) {
      if (e instanceof ClientError) this.error(e.code, e.message, id);
      else {
        this.log(`internal error on a message from ${this.address}: ${e instanceof Error ? e.stack : String(e)}`);
        this.error('internal', `the server failed on this message: ${e instanceof Error ? e.message : String(e)}`, id);
      }
    }
  }

  private decode(data: RawData, isBinary: boolean): unknown {
    if (isBinary) throw new ClientError('invalid_message', 'binary frames are not part of the protocol: send JSON text frames');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const max = this.role === 'operator' ? LIMITS.maxMessageBytes : UNTRUSTED_MAX_BYTES;
    if (bytes.byteLength > max) {
      throw new ClientError('too_large', `a message of ${bytes.byteLength} bytes; at most ${max}${this.role === 'operator' ? '' : ' before hello or as a viewer'}`);
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ClientError('bad_json', 'the frame is not valid UTF-8');
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new ClientError('bad_json', `not JSON: ${(e as Error).message.slice(0, 200)}`);
    }
  }

  private handle(raw: unknown, id: number | undefined, at: number): void {
    const type = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { type?: unknown }).type : undefined;
    if (!this.role) {
      if (type !== 'hello') throw new ClientError('not_hello', 'say hello first: {"type":"hello","role":"viewer"|"operator","token":…}');
      this.hello(raw);
      return;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) throw new ClientError('invalid_message', describeIssues(parsed.error));
    const m = parsed.data;
    switch (m.type) {
      case 'hello':
        throw new ClientError('invalid_message', `hello was already received (this connection is a ${this.role})`);
      case 'input':
        if (this.role !== 'operator') throw new ClientError('forbidden', 'viewers may not send input: say hello as an operator with the token');
        if (this.presenceGeneration !== this.sim.generation) {
          this.presence.clear();
          this.presenceGeneration = this.sim.generation;
        }
        this.sim.input(m, this.presence, m.ts === undefined ? at : this.deviceClock.map(m.ts, at));
        return;
      case 'command': {
        if (this.role !== 'operator') throw new ClientError('forbidden', 'viewers may not send commands: say hello as an operator with the token');
        const cmdId = m.id;
        const name = m.command.name;
        this.sim.command(m.command, at).then(
          (detail) => this.send(cmdId === undefined ? { type: 'ack', detail } : { type: 'ack', id: cmdId, detail }),
          (e: unknown) => {
            if (e instanceof ClientError) this.error(e.code, e.message, cmdId);
            else {
              this.log(`internal error in command ${name}: ${e instanceof Error ? e.stack : String(e)}`);
              this.error('internal', `${name} failed: ${e instanceof Error ? e.message : String(e)}`, cmdId);
            }
          },
        );
        if (name !== 'load_scenario' && name !== 'start_recording' && name !== 'stop_recording') this.log(`${this.who()}: ${name}`);
        return;
      }
    }
  }

  private hello(raw: unknown): void {
    const h = helloSchema.safeParse(raw);
    if (!h.success) throw new ClientError('invalid_message', describeIssues(h.error));
    const { role, token } = h.data;
    const needed = role === 'operator' || this.policy.viewerNeedsToken;
    // A token that is given must be right, even where a viewer needs none.
    if ((needed || token !== undefined) && !tokenMatches(token, this.policy.token)) {
      this.helloFailures++;
      const last = this.helloFailures >= MAX_HELLO_FAILURES;
      this.error('bad_token', `${token === undefined ? 'a token is needed' : 'wrong token'} for ${role === 'operator' ? 'an operator' : 'a viewer here'}${last ? `; ${MAX_HELLO_FAILURES} failures, closing` : ''}`);
      if (last) this.ws.close(1008, 'bad token');
      return;
    }
    this.role = role;
    if (role === 'operator') this.limiter = new RateLimiter(LIMITS.maxMessagesPerSecond, performance.now());
    this.name = h.data.client ?? '';
    clearTimeout(this.helloTimer);
    this.send(this.sim.welcome(role));
    this.log(`${this.who()} joined`);
  }

  private who(): string {
    return `${this.role ?? 'client'} ${this.name ? `'${this.name}' ` : ''}(${this.address})`;
  }
}

/** The command's `id` when the message is a command with a valid one (echoed in the reply even when it is refused). */
function commandId(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as { type?: unknown; id?: unknown };
  return r.type === 'command' && typeof r.id === 'number' && Number.isInteger(r.id) && r.id >= 0 && r.id <= 2 ** 31 ? r.id : undefined;
}

/** The first few problems of a schema check, short: `p.0: expected number, received string`. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return (parts.join('; ') + more).slice(0, 500);
}
