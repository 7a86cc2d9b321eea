// Helpers for the live server tests: a real server on a free port in this process, real `ws` clients.
import WebSocket from 'ws';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorCode, ServerMessage, StateMessage, WelcomeMessage } from '../ui/protocol.ts';
import { parseScenario, type LoadedScenario } from '../scenarios/loader.ts';
import { startServer, type RunningServer, type ServerOptions } from '../ui/server/index.ts';

export const TOKEN = 'test-operator-token-0123456789';

/** One PSM over a phantom: the cheapest scene that exercises input, teleop and safety. */
export const ONE_PSM = `name: server-test
seed: 3
duration: 60
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
objects:
  - { id: phantom, shape: box, size: [0.2, 0.2, 0.02], position: [0, 0, -0.01], fixed: true }
controller:
  psm1: { scale: 0.2, tremor_filter: { type: none } }
`;

export function scene(text: string, file = '<test>'): LoadedScenario {
  return { file, text, scenario: parseScenario(text, file) };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function testServer(opts: ServerOptions = {}): Promise<RunningServer> {
  return startServer({
    port: 0, token: TOKEN, scenario: scene(ONE_PSM), staticDir: tempDir('steadysim-static-'), recordDir: tempDir('steadysim-rec-'),
    ...opts,
  });
}

/** A protocol client that keeps every message it receives and can wait for the next one that matches. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly raw: string[] = [];
  private readonly waiters: { pred: (m: ServerMessage) => boolean; from: number; ok: (m: ServerMessage) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Index of the first message not yet consumed by `next`. */
  cursor = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      this.raw.push(text);
      const m = JSON.parse(text) as ServerMessage;
      this.messages.push(m);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (this.messages.length - 1 >= w.from && w.pred(m)) {
          this.waiters.splice(i, 1);
          w.ok(m);
        }
      }
    });
    this.closed = new Promise((ok) => ws.on('close', (code, reason) => ok({ code, reason: String(reason) })));
  }

  static async connect(url: string, headers?: Record<string, string>): Promise<TestClient> {
    const ws = new WebSocket(url, { headers });
    const c = new TestClient(ws);
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok());
      ws.once('error', fail);
    });
    return c;
  }

  static async operator(server: RunningServer): Promise<TestClient> {
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', role: 'operator', token: TOKEN, client: 'test' });
    await c.next((m) => m.type === 'welcome');
    return c;
  }

  static async viewer(server: RunningServer, token?: string): Promise<TestClient> {
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', role: 'viewer', ...(token ? { token } : {}) });
    await c.next((m) => m.type === 'welcome');
    return c;
  }

  /** Sends a text frame: an object as JSON, a string or a Buffer as it is (a Buffer too as text, bytes unchecked). */
  send(m: unknown): void {
    if (Buffer.isBuffer(m)) this.ws.send(m, { binary: false });
    else this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** The first message from the cursor on that matches (waits up to `timeoutMs`); the cursor moves past it. */
  next<T extends ServerMessage = ServerMessage>(pred: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<T> {
    for (let i = this.cursor; i < this.messages.length; i++) {
      if (pred(this.messages[i])) {
        this.cursor = i + 1;
        return Promise.resolve(this.messages[i] as T);
      }
    }
    const from = this.messages.length;
    return new Promise<T>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no matching message within ${timeoutMs} ms (last: ${this.raw.slice(-3).map((r) => r.slice(0, 200)).join(' | ')})`)), timeoutMs);
      this.waiters.push({
        pred, from, ok: (m) => {
          clearTimeout(timer);
          this.cursor = this.messages.indexOf(m) + 1;
          ok(m as T);
        },
      });
    });
  }

  /** The next reply that is not a state: an `ack`, `error` or `welcome`. */
  reply(timeoutMs = 10_000): Promise<ServerMessage> {
    return this.next((m) => m.type !== 'state', timeoutMs);
  }

  async error(timeoutMs = 10_000): Promise<{ code: ErrorCode; message: string; id?: number }> {
    const m = await this.reply(timeoutMs);
    if (m.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(m).slice(0, 300)}`);
    return m;
  }

  /** The first state message that arrives after this call (skipping any received before). */
  freshState(timeoutMs = 10_000): Promise<StateMessage> {
    this.cursor = this.messages.length;
    return this.state(timeoutMs);
  }

  /** The next state message (after the cursor). */
  state(timeoutMs = 10_000): Promise<StateMessage> {
    return this.next<StateMessage>((m) => m.type === 'state', timeoutMs);
  }

  /** A state at or after `tick`. */
  stateAt(tick: number, timeoutMs = 20_000): Promise<StateMessage> {
    return this.next<StateMessage>((m) => m.type === 'state' && m.tick >= tick, timeoutMs);
  }

  welcome(): WelcomeMessage | undefined {
    return this.messages.find((m): m is WelcomeMessage => m.type === 'welcome');
  }

  close(): void {
    this.ws.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Waits until the simulation runs at real time (Rapier's WebAssembly is slow until V8 has optimised it). */
export async function warmUp(server: RunningServer, timeoutMs = 30_000): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const a = await server.sim.stats();
    await sleep(500);
    const b = await server.sim.stats();
    if (b.ticks - a.ticks >= 450) return;
  }
}

/** Simulated ticks per wall second over `ms`. */
export async function tickRate(server: RunningServer, ms: number, during?: () => Promise<void>): Promise<number> {
  const a = (await server.sim.stats()).ticks;
  const t0 = performance.now();
  if (during) await Promise.all([during(), sleep(ms)]);
  else await sleep(ms);
  return (((await server.sim.stats()).ticks - a) * 1000) / (performance.now() - t0);
}
