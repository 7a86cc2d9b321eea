// The live server's gate: roles and tokens, every kind of malformed or hostile message answered with an `error`
// and not applied, size and rate limits, origins, the static page — while the simulation keeps its rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../ui/protocol.ts';
import { LIMITS } from '../ui/protocol.ts';
import type { RunningServer } from '../ui/server/index.ts';
import { sleep, tempDir, testServer, tickRate, TestClient, TOKEN, warmUp } from './server-helpers.ts';

let server: RunningServer;
let staticDir: string;

beforeAll(async () => {
  staticDir = tempDir('steadysim-page-');
  server = await testServer({ staticDir });
  await warmUp(server);
});

afterAll(async () => {
  await server?.close();
});

const input = (extra: Record<string, unknown> = {}) => ({ type: 'input', robot: 'psm1', p: [0, 0, 0], q: [0, 0, 0, 1], grip: 0, clutch: false, ...extra });
const command = (c: Record<string, unknown>, id?: number) => ({ type: 'command', ...(id === undefined ? {} : { id }), command: c });

describe('roles and tokens', () => {
  it('lets a local viewer watch without a token: welcome, then state at about 60 Hz', async () => {
    const v = await TestClient.viewer(server);
    expect(v.welcome()?.role).toBe('viewer');
    expect(v.welcome()?.scene.robots.map((r) => r.id)).toEqual(['psm1']);
    expect(v.welcome()?.inputRobots).toEqual(['psm1']);
    const first = await v.state();
    await sleep(1000);
    const states = v.messages.filter((m) => m.type === 'state' && m.sentAt >= first.sentAt);
    expect(states.length).toBeGreaterThan(35);
    expect(states.length).toBeLessThan(75);
    v.close();
  });

  it('refuses a viewer that tries to drive (forbidden), and applies nothing', async () => {
    const v = await TestClient.viewer(server);
    const before = (await server.sim.stats()).inputsReceived;
    v.send(input({ enable: true }));
    expect((await v.error()).code).toBe('forbidden');
    v.send(command({ name: 'estop' }, 5));
    const e = await v.error();
    expect(e).toMatchObject({ code: 'forbidden', id: 5 });
    expect((await server.sim.stats()).inputsReceived).toBe(before);
    expect(server.sim.state()?.estop).toBe(false);
    v.close();
  });

  it('refuses a wrong or missing operator token (bad_token) and gives no welcome; the right one works after', async () => {
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', role: 'operator', token: 'not-the-token' });
    expect((await c.error()).code).toBe('bad_token');
    c.send({ type: 'hello', role: 'operator' });
    expect((await c.error()).code).toBe('bad_token');
    c.send({ type: 'hello', role: 'viewer', token: 'wrong-token-for-a-viewer' });
    expect((await c.error()).code).toBe('bad_token');
    expect(c.welcome()).toBeUndefined();
    c.send(input());
    expect((await c.error()).code).toBe('not_hello');
    c.send({ type: 'hello', role: 'operator', token: TOKEN });
    expect((await c.reply()).type).toBe('welcome');
    c.close();
  });

  it('closes a connection after five wrong tokens', async () => {
    const c = await TestClient.connect(server.wsUrl);
    for (let i = 0; i < 5; i++) c.send({ type: 'hello', role: 'operator', token: `guess-number-${i}` });
    expect((await c.closed).code).toBe(1008);
    expect(c.messages.filter((m) => m.type === 'error' && m.code === 'bad_token')).toHaveLength(5);
  });

  it('needs the token for watching too when listening beyond loopback', async () => {
    const wide = await testServer({ host: '0.0.0.0' });
    try {
      expect(wide.viewerNeedsToken).toBe(true);
      const url = `ws://127.0.0.1:${wide.port}/ws`;
      const c = await TestClient.connect(url);
      c.send({ type: 'hello', role: 'viewer' });
      expect((await c.error()).code).toBe('bad_token');
      c.send({ type: 'hello', role: 'viewer', token: TOKEN });
      expect((await c.reply()).type).toBe('welcome');
      c.close();
    } finally {
      await wide.close();
    }
  });

  it('refuses a WebSocket opened by a page of another origin, and a forged Host on loopback', async () => {
    await expect(TestClient.connect(server.wsUrl, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(TestClient.connect(server.wsUrl, { origin: 'null' })).rejects.toThrow(/403/);
    await expect(TestClient.connect(server.wsUrl, { host: 'rebind.example:80' })).rejects.toThrow(/403/);
    // The server's own page, and a loopback dev server (Vite), may connect.
    (await TestClient.connect(server.wsUrl, { origin: server.url.replace(/\/$/, '') })).close();
    (await TestClient.connect(server.wsUrl, { origin: 'http://localhost:5173' })).close();
  });
});

// Each case: what is sent (after hello as an operator unless `fresh`), and the error code expected.
type Case = { name: string; send: unknown; code: ErrorCode; fresh?: 'none' | 'viewer' };
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const CASES: Case[] = [
  // Before hello.
  { name: 'input before hello', send: input(), code: 'not_hello', fresh: 'none' },
  { name: 'command before hello', send: command({ name: 'estop' }), code: 'not_hello', fresh: 'none' },
  { name: 'bad JSON before hello', send: '{"type":"hello",', code: 'bad_json', fresh: 'none' },
  { name: 'hello with an unknown role', send: { type: 'hello', role: 'admin' }, code: 'invalid_message', fresh: 'none' },
  { name: 'hello with an extra field', send: { type: 'hello', role: 'viewer', admin: true }, code: 'invalid_message', fresh: 'none' },
  { name: 'hello with a 300-character token', send: { type: 'hello', role: 'operator', token: 'x'.repeat(300) }, code: 'invalid_message', fresh: 'none' },
  { name: 'hello with a 100-character client name', send: { type: 'hello', role: 'viewer', client: 'n'.repeat(100) }, code: 'invalid_message', fresh: 'none' },
  { name: 'a 10 kB hello (more than a client without the token may send)', send: { type: 'hello', role: 'viewer', client: 'n'.repeat(10_000) }, code: 'too_large', fresh: 'none' },
  { name: 'a 100 000-deep nested array before hello', send: deep(100_000), code: 'too_large', fresh: 'none' },
  { name: 'operator hello without a token', send: { type: 'hello', role: 'operator' }, code: 'bad_token', fresh: 'none' },
  // Viewers.
  { name: 'viewer sends input', send: input(), code: 'forbidden', fresh: 'viewer' },
  { name: 'viewer sends a command', send: command({ name: 'start_recording' }), code: 'forbidden', fresh: 'viewer' },
  { name: 'viewer sends a 5 kB frame', send: input({ robot: 'x'.repeat(5000) }), code: 'too_large', fresh: 'viewer' },
  // Not JSON, not an object.
  { name: 'truncated JSON', send: '{"type":"input",', code: 'bad_json' },
  { name: 'an empty frame', send: '', code: 'bad_json' },
  { name: 'JavaScript, not JSON', send: "{type: 'input'}", code: 'bad_json' },
  { name: 'NaN as a bare word', send: '{"type":"input","robot":"psm1","p":[NaN,0,0],"q":[0,0,0,1],"grip":0,"clutch":false}', code: 'bad_json' },
  { name: 'invalid UTF-8', send: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), code: 'bad_json' },
  { name: 'null', send: 'null', code: 'invalid_message' },
  { name: 'a number', send: '42', code: 'invalid_message' },
  { name: 'a string', send: '"hello"', code: 'invalid_message' },
  { name: 'an array', send: '[]', code: 'invalid_message' },
  { name: 'an object without type', send: {}, code: 'invalid_message' },
  { name: 'an unknown type', send: { type: 'teleport', robot: 'psm1' }, code: 'invalid_message' },
  { name: 'hello a second time', send: { type: 'hello', role: 'operator', token: TOKEN }, code: 'invalid_message' },
  // Input.
  { name: 'input without q', send: { type: 'input', robot: 'psm1', p: [0, 0, 0], grip: 0, clutch: false }, code: 'invalid_message' },
  { name: 'input without robot', send: { type: 'input', p: [0, 0, 0], q: [0, 0, 0, 1], grip: 0, clutch: false }, code: 'invalid_message' },
  { name: 'input with two coordinates', send: input({ p: [0, 0] }), code: 'invalid_message' },
  { name: 'input with four coordinates', send: input({ p: [0, 0, 0, 0] }), code: 'invalid_message' },
  { name: 'input with numbers as strings', send: input({ p: ['0', '0', '0'] }), code: 'invalid_message' },
  { name: 'input with "NaN" as a string', send: input({ p: ['NaN', 0, 0] }), code: 'invalid_message' },
  { name: 'input with "Infinity" as a string', send: input({ q: [0, 0, 0, 'Infinity'] }), code: 'invalid_message' },
  { name: 'input with null (how JSON writes NaN)', send: input({ p: [null, 0, 0] }), code: 'invalid_message' },
  { name: 'input with 1e400 (Infinity once parsed)', send: '{"type":"input","robot":"psm1","p":[1e400,0,0],"q":[0,0,0,1],"grip":0,"clutch":false}', code: 'invalid_message' },
  { name: 'input with a huge position', send: input({ p: [1e300, 0, 0] }), code: 'invalid_message' },
  { name: 'input 2 m from the start (outside the master workspace)', send: input({ p: [2, 0, 0] }), code: 'invalid_message' },
  { name: 'input with a quaternion of norm 2', send: input({ q: [0, 0, 0, 2] }), code: 'invalid_message' },
  { name: 'input with a zero quaternion', send: input({ q: [0, 0, 0, 0] }), code: 'invalid_message' },
  { name: 'input with grip 5', send: input({ grip: 5 }), code: 'invalid_message' },
  { name: 'input with clutch "yes"', send: input({ clutch: 'yes' }), code: 'invalid_message' },
  { name: 'input with enable "true"', send: input({ enable: 'true' }), code: 'invalid_message' },
  { name: 'input with ts "12"', send: input({ ts: '12' }), code: 'invalid_message' },
  { name: 'input with a negative ts', send: input({ ts: -1 }), code: 'invalid_message' },
  { name: 'input with ts null (how JSON writes NaN)', send: input({ ts: null }), code: 'invalid_message' },
  { name: 'input with ts 1e400 (Infinity once parsed)', send: '{"type":"input","robot":"psm1","p":[0,0,0],"q":[0,0,0,1],"grip":0,"clutch":false,"ts":1e400}', code: 'invalid_message' },
  { name: 'input with ts 1e16', send: input({ ts: 1e16 }), code: 'invalid_message' },
  { name: 'input with an extra field', send: input({ force: [0, 0, 100] }), code: 'invalid_message' },
  { name: 'input with __proto__', send: '{"type":"input","robot":"psm1","p":[0,0,0],"q":[0,0,0,1],"grip":0,"clutch":false,"__proto__":{"admin":true}}', code: 'invalid_message' },
  { name: 'input for an unknown robot', send: input({ robot: 'psm9' }), code: 'unknown_robot' },
  { name: 'input for a robot id with a path in it', send: input({ robot: '../../etc/passwd' }), code: 'invalid_message' },
  { name: 'input with a 100 kB robot id', send: input({ robot: 'p'.repeat(100_000) }), code: 'invalid_message' },
  { name: 'input with 10 000 nested arrays', send: `{"type":"input","robot":"psm1","p":${deep(10_000)},"q":[0,0,0,1],"grip":0,"clutch":false}`, code: 'invalid_message' },
  { name: 'a 100 000-deep nested array', send: deep(100_000), code: 'invalid_message' },
  // Commands.
  { name: 'command without a command', send: { type: 'command', id: 1 }, code: 'invalid_message' },
  { name: 'an unknown command', send: command({ name: 'self_destruct' }), code: 'invalid_message' },
  { name: 'command id −1', send: command({ name: 'estop' }, -1), code: 'invalid_message' },
  { name: 'command id 1.5', send: command({ name: 'estop' }, 1.5), code: 'invalid_message' },
  { name: 'estop with an extra field', send: command({ name: 'estop', robot: 'psm1' }), code: 'invalid_message' },
  { name: 'set a negative scale', send: command({ name: 'set', robot: 'psm1', scale: -1 }), code: 'invalid_message' },
  { name: 'set a scale of 1e9', send: command({ name: 'set', robot: 'psm1', scale: 1e9 }), code: 'invalid_message' },
  { name: 'set nothing', send: command({ name: 'set', robot: 'psm1' }), code: 'invalid_message' },
  { name: 'set a lowpass filter without its order', send: command({ name: 'set', robot: 'psm1', tremor_filter: { type: 'lowpass', cutoff_hz: 6 } }), code: 'invalid_message' },
  { name: 'set an adaptive band upside down', send: command({ name: 'set', robot: 'psm1', tremor_filter: { type: 'adaptive', band_hz: [14, 6] } }), code: 'invalid_message' },
  { name: 'set an unknown filter', send: command({ name: 'set', robot: 'psm1', tremor_filter: { type: 'magic' } }), code: 'invalid_message' },
  { name: 'set for an unknown robot', send: command({ name: 'set', robot: 'psm7', scale: 0.3 }), code: 'unknown_robot' },
  { name: 'enable an unknown robot', send: command({ name: 'enable', robot: 'ecm9' }), code: 'unknown_robot' },
  { name: 'load a scenario that is not YAML', send: command({ name: 'load_scenario', scenario: 'name: [unclosed\n  - : :' }), code: 'bad_scenario' },
  { name: 'load a scenario with a wrong field', send: command({ name: 'load_scenario', scenario: 'name: x\nduration: "long"\nrobots: []\n' }), code: 'bad_scenario' },
  { name: 'load a library scenario that does not exist', send: command({ name: 'load_scenario', scenario: 'no-such-scene' }), code: 'bad_scenario' },
  { name: 'load a library path outside the library', send: command({ name: 'load_scenario', scenario: '../package' }), code: 'bad_scenario' },
  { name: 'load a matrix file (many runs)', send: command({ name: 'load_scenario', scenario: 'scale-sweep' }), code: 'bad_scenario' },
  { name: 'load a scenario that reads a server file', send: command({ name: 'load_scenario', scenario: 'name: x\nduration: 5\nrobots:\n  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }\ninput:\n  psm1: { file: /etc/passwd }\n' }), code: 'bad_scenario' },
  {
    name: 'load a YAML alias bomb',
    send: command({ name: 'load_scenario', scenario: `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\nname: bomb\nduration: 1\nrobots: []\n` }),
    code: 'bad_scenario',
  },
  { name: 'load a scenario of 200 001 characters', send: command({ name: 'load_scenario', scenario: 'x'.repeat(200_001) }), code: 'invalid_message' },
];

describe('malformed and hostile messages', () => {
  it(`answers each of ${CASES.length} kinds with an error, applies none, and the simulation keeps its rate`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    const op = await TestClient.operator(server);
    const baseline = await tickRate(server, 1500);
    const before = (await server.sim.stats());
    const results: { name: string; code: string; message: string }[] = [];
    const abuse = async () => {
      for (const c of CASES) {
        let client = op;
        if (c.fresh === 'none') client = await TestClient.connect(server.wsUrl);
        else if (c.fresh === 'viewer') client = await TestClient.viewer(server);
        client.send(c.send);
        const e = await client.error();
        results.push({ name: c.name, code: e.code, message: e.message });
        if (client !== op) client.close();
      }
    };
    const during = await tickRate(server, 0, abuse);
    // Every case got its own error, with the expected code and a message that says something.
    for (const [i, c] of CASES.entries()) {
      expect({ name: c.name, code: results[i].code }).toEqual({ name: c.name, code: c.code });
      expect(results[i].message.length).toBeGreaterThan(5);
    }
    // Nothing was applied: no input reached the robot, no command ran.
    const after = (await server.sim.stats());
    expect(after.inputsReceived).toBe(before.inputsReceived);
    expect(after.scene).toBe('server-test');
    expect(server.sim.state()?.estop).toBe(false);
    expect(server.sim.welcome('viewer').controllers.psm1.scale).toBe(0.2);
    // The operator's connection is still open and works.
    op.send(command({ name: 'set', robot: 'psm1', scale: 0.2 }, 99));
    expect(await op.reply()).toMatchObject({ type: 'ack', id: 99 });
    // The simulation kept its rate: ~1 kHz of simulated time per wall second, as before the abuse.
    console.info(`tick rate: ${baseline.toFixed(0)}/s before, ${during.toFixed(0)}/s during the abuse`);
    expect(during).toBeGreaterThan(0.8 * Math.min(baseline, 1000));
    expect(during).toBeLessThan(1150);
    op.close();
  });

  it('echoes a command id in its error even when the command is refused', async () => {
    const op = await TestClient.operator(server);
    op.send(command({ name: 'set', robot: 'nobody', scale: 0.3 }, 4242));
    expect(await op.error()).toMatchObject({ code: 'unknown_robot', id: 4242 });
    op.close();
  });

  it('answers a binary frame with an error and keeps the connection', async () => {
    const op = await TestClient.operator(server);
    op.ws.send(Buffer.from(JSON.stringify(input())), { binary: true });
    expect((await op.error()).code).toBe('invalid_message');
    op.send(command({ name: 'set', robot: 'psm1', scale: 0.2 }, 1));
    expect((await op.reply()).type).toBe('ack');
    op.close();
  });

  it('answers an oversized frame with too_large, then closes that connection (1009); others are untouched', async () => {
    const other = await TestClient.operator(server);
    const big = await TestClient.operator(server);
    big.send({ ...input(), pad: 'x'.repeat(LIMITS.maxMessageBytes + 10) });
    const e = await big.error();
    expect(e.code).toBe('too_large');
    expect((await big.closed).code).toBe(1009);
    other.send(command({ name: 'set', robot: 'psm1', scale: 0.2 }, 2));
    expect((await other.reply()).type).toBe('ack');
    other.close();
  });

  it('drops a flood above the rate limit with rate_limited errors (not one per message), and the connection goes on', async () => {
    const op = await TestClient.operator(server);
    const a = (await server.sim.stats());
    const n = 3 * LIMITS.maxMessagesPerSecond;
    const frame = JSON.stringify(input({ p: [0.001, 0, 0] }));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) op.send(frame);
    const e = await op.error();
    expect(e.code).toBe('rate_limited');
    await sleep(600);
    const received = (await server.sim.stats()).inputsReceived - a.inputsReceived;
    const seconds = (performance.now() - t0) / 1000;
    // A full bucket (one second's worth) plus what it refilled while the flood lasted; the rest was dropped.
    expect(received).toBeLessThanOrEqual(LIMITS.maxMessagesPerSecond * (1 + seconds) + 10);
    expect(received).toBeLessThan(n);
    expect(received).toBeGreaterThan(0);
    const limited = op.messages.filter((m) => m.type === 'error' && m.code === 'rate_limited').length;
    expect(limited).toBeLessThan(20);
    // A second later the bucket has refilled: the connection works.
    await sleep(1000);
    op.send(command({ name: 'set', robot: 'psm1', scale: 0.2 }, 3));
    expect(await op.next((m) => m.type === 'ack')).toMatchObject({ id: 3 });
    op.close();
  });

  it('gives a client without the token a low rate: a flood before hello is dropped', async () => {
    const c = await TestClient.connect(server.wsUrl);
    for (let i = 0; i < 200; i++) c.send(input());
    const errors = async () => { await sleep(300); return c.messages.filter((m) => m.type === 'error'); };
    const got = await errors();
    expect(got.filter((m) => m.type === 'error' && m.code === 'not_hello').length).toBeLessThanOrEqual(25);
    expect(got.some((m) => m.type === 'error' && m.code === 'rate_limited')).toBe(true);
    c.close();
  });

  it('closes a connection that never says hello within 10 s', async () => {
    const c = await TestClient.connect(server.wsUrl);
    const { code } = await c.closed;
    expect(code).toBe(1008);
    expect(c.messages[0]).toMatchObject({ type: 'error', code: 'not_hello' });
  }, 20_000);
});

describe('HTTP', () => {
  it('serves a clear page saying how to build the page when ui/dist is missing', async () => {
    const s = await testServer({ staticDir: join(tempDir('steadysim-empty-'), 'dist') });
    try {
      const r = await fetch(s.url);
      expect(r.status).toBe(503);
      const text = await r.text();
      expect(text).toContain('npm run build:ui');
      expect(text).toContain('npm start');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    } finally {
      await s.close();
    }
  });

  it('serves the built page and its assets, nothing outside the folder', async () => {
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(staticDir, 'assets', 'main.js'), 'console.log(1)');
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<title>page</title>');
    const js = await fetch(`${server.url}assets/main.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    for (const path of ['../package.json', '..%2fpackage.json', '%2e%2e/%2e%2e/etc/passwd', 'assets/../../package.json']) {
      const r = await fetch(`${server.url}${path}`);
      expect(r.status, path).toBe(404);
    }
    expect((await fetch(`${server.url}ws`)).status).toBe(426);
    expect((await fetch(`${server.url}api/recordings`)).status).toBe(200);
  });

  it('refuses a WebSocket at another path', async () => {
    await expect(new Promise((ok, fail) => {
      const ws = new WebSocket(server.wsUrl.replace('/ws', '/other'));
      ws.on('open', ok);
      ws.on('error', fail);
    })).rejects.toThrow(/404/);
  });
});
