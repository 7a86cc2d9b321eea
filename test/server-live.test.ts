// The live server driving the simulation: an operator's input moves the instrument, the emergency stop holds
// every arm, a live recording replays bit for bit with `steadysim replay --verify`, scenes load (a bad one
// leaves the old scene running), and `steadysim serve` prints its operator URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ServerMessage, StateMessage } from '../ui/protocol.ts';
import type { RunningServer } from '../ui/server/index.ts';
import { replayRecording } from '../scenarios/recording/replay.ts';
import { readRecording } from '../scenarios/recording/reader.ts';
import { main } from '../scenarios/cli.ts';
import { ONE_PSM, sleep, tempDir, testServer, TestClient, TOKEN, warmUp } from './server-helpers.ts';

const q0 = [0, 0, 0, 1];

/**
 * Sends input at 250 Hz until stopped: `hand(t)` gives the hand position t seconds after the start. `toggle()`
 * sends presence off then on again: the operator re-enables (after the watchdog tripped, say).
 */
function drive(op: TestClient, robot: string, hand: (t: number) => number[], extra: () => Record<string, unknown> = () => ({})) {
  const t0 = performance.now();
  const sample = () => ({ type: 'input', robot, p: hand((performance.now() - t0) / 1000), q: q0, grip: 0.2, clutch: false, ...extra() });
  const timer = setInterval(() => op.send(sample()), 4);
  return {
    stop: () => clearInterval(timer),
    toggle: () => { op.send({ ...sample(), enable: false }); op.send({ ...sample(), enable: true }); },
  };
}

/** The events of every state `c` received after tick `from`. */
const eventsSince = (c: TestClient, from: number) =>
  c.messages.filter((m): m is StateMessage => m.type === 'state' && m.tick > from).flatMap((m) => m.events);

// A loaded machine can stall a test process for more than the 30 ms watchdog, which then (rightly) stops the arm.
// Tests that need an arm following therefore try again after a watchdog trip, a few times.
const ATTEMPTS = 4;

const tipOf = (s: StateMessage, id: string) => s.robots.find((r) => r.id === id)!.tip.slice(0, 3);

describe('one PSM, live', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await testServer();
    await warmUp(server);
  });
  afterAll(async () => { await server?.close(); });

  it("an operator's input moves the instrument tip: 5 cm of hand is 1 cm of tip at scale 0.2", async () => {
    const op = await TestClient.operator(server);
    const v = await TestClient.viewer(server);
    const first = await v.freshState();
    expect(first.robots[0].teleop).toBe('DISABLED'); // nobody drove it yet: the watchdog holds it
    let start = first, s = first, tries = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      start = await v.freshState();
      // Hand from 0 to +5 cm along x over 1 s, then held; presence (enable) on from the first sample.
      const d = drive(op, 'psm1', (t) => [0.05 * Math.min(1, t), 0, 0], () => ({ enable: true }));
      d.toggle();
      await sleep(1800);
      s = await v.freshState();
      d.stop();
      const trips = eventsSince(v, start.tick).filter((e) => e.kind === 'watchdog');
      if (trips.length === 0) break;
      tries += `attempt ${attempt}: watchdog at ${trips.map((e) => e.t).join(', ')} s; `;
      await sleep(200);
    }
    const tip0 = tipOf(start, 'psm1');
    const r = s.robots[0];
    expect(r.teleop, tries).toBe('ENABLED');
    expect(r.safe).toBe(false);
    expect(r.hand[0]).toBeCloseTo(0.05, 6);
    const tip = tipOf(s, 'psm1');
    expect(tip[0] - tip0[0]).toBeGreaterThan(0.009);
    expect(tip[0] - tip0[0]).toBeLessThan(0.011);
    expect(Math.abs(tip[1] - tip0[1])).toBeLessThan(0.001);
    // Server side too: the joints moved (yaw swings the shaft towards +x).
    expect(r.q[0] - start.robots[0].q[0]).toBeGreaterThan(0.02);
    if (tries) console.info(`moved on a later attempt (${tries})`);
    // When the input stops, the 30 ms watchdog puts the arm in the safe state.
    const after = await v.next<StateMessage>((m) => m.type === 'state' && m.robots[0].safe, 5000);
    expect(after.robots[0].teleop).toBe('DISABLED');
    op.close();
    v.close();
  });

  it('records a live session (input, enable and presence, set, clutch, estop, reset) that replays bit for bit', async () => {
    const op = await TestClient.operator(server);
    op.send({ type: 'command', id: 1, command: { name: 'start_recording' } });
    const started = await op.next((m) => m.type === 'ack' && m.id === 1);
    expect(started.type === 'ack' && started.detail).toMatch(/recording to .*\.mcap/);
    const path = (started.type === 'ack' ? started.detail : '').match(/recording to (\S+\.mcap)/)![1];
    // The scene restarted for the recording (a new welcome came before the ack).
    expect(op.messages.filter((m) => m.type === 'welcome')).toHaveLength(2);
    let clutch = false, present = true;
    const d = drive(op, 'psm1', (t) => [0.03 * Math.sin(2 * t), 0.02 * Math.sin(3 * t), -0.01 * t], () => ({ enable: present, clutch }));
    const cmd = async (id: number, command: Record<string, unknown>) => {
      op.send({ type: 'command', id, command });
      return op.next((m) => (m.type === 'ack' || m.type === 'error') && m.id === id);
    };
    await sleep(700);
    expect((await cmd(2, { name: 'set', robot: 'psm1', scale: 0.4 })).type).toBe('ack');
    await sleep(300);
    expect((await cmd(3, { name: 'set', robot: 'psm1', tremor_filter: { type: 'lowpass', cutoff_hz: 6, order: 2 } })).type).toBe('ack');
    await sleep(300);
    clutch = true;
    await sleep(200);
    clutch = false;
    await sleep(300);
    present = false; // the operator leaves: teleoperation disabled, the arm holds
    await sleep(200);
    present = true; // and comes back
    await sleep(300);
    expect((await cmd(4, { name: 'estop' })).type).toBe('ack');
    await sleep(200);
    expect((await cmd(5, { name: 'reset' })).type).toBe('ack');
    expect((await cmd(6, { name: 'enable', robot: 'psm1' })).type).toBe('ack');
    await sleep(500);
    d.stop();
    const stopped = await cmd(7, { name: 'stop_recording' });
    expect(stopped.type).toBe('ack');
    expect(stopped.type === 'ack' && stopped.detail).toContain(path);
    op.close();

    // The recording's scenario holds the operator's commands as timeline events, in tick order.
    const rec = readRecording(path);
    expect(rec.complete).toBe(true);
    const stored = parse(rec.meta.scenario) as { duration: number; events: { t: number; kind: string }[] };
    const kinds = stored.events.map((e) => e.kind);
    for (const k of ['enable', 'set', 'disable', 'estop', 'reset']) expect(kinds).toContain(k);
    expect(stored.events.map((e) => e.t)).toEqual([...stored.events.map((e) => e.t)].sort((a, b) => a - b));
    expect(stored.duration).toBeGreaterThan(1);
    // The input samples are all there, as the loop consumed them.
    expect(rec.inputs('psm1').length).toBeGreaterThan(200);

    const { verify, result } = await replayRecording(path, { verify: true });
    expect(verify?.message).toMatch(/matches/);
    expect(verify?.ok).toBe(true);
    expect(verify?.samplesCompared).toBeGreaterThan(100); // joint states at 100 Hz (hashes every second)
    expect(verify?.checkpointsCompared).toBeGreaterThanOrEqual(1);
    // The replay went through the same things: the sets, the emergency stop (and, unless the watchdog had stopped
    // the arm just then on a loaded machine, following and the clutch: the replay reproduces that as well).
    const events = result.events.map((e) => e.kind);
    for (const k of ['estop', 'safe_state', 'set', 'enable']) expect(events).toContain(k);
    expect(events.filter((e) => e === 'set')).toHaveLength(2);
    // And the command line says so too.
    const write = process.stdout.write.bind(process.stdout);
    const out: string[] = [];
    process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['replay', path, '--verify', '--quiet', '--out', join(tempDir('steadysim-replay-'), 'out')]);
    } finally {
      process.stdout.write = write;
    }
    expect(code, out.join('')).toBe(0);
    expect(out.join('')).toMatch(/replay matches the recording/);
  });

  it('loads a library scenario (its scripted arm plays, no live input), refuses a bad one and keeps the scene', async () => {
    const op = await TestClient.operator(server);
    op.send({ type: 'command', id: 1, command: { name: 'load_scenario', scenario: 'name: broken\nduration: 5\nrobots:\n  - { id: psm1, type: psm, rcm: [0, 0] }\n' } });
    const e = await op.error();
    expect(e).toMatchObject({ code: 'bad_scenario', id: 1 });
    expect(e.message).toMatch(/robots\[0\]\.rcm/);
    await sleep(300);
    expect(server.sim.state()?.robots.map((r) => r.id)).toEqual(['psm1']);
    expect(server.sim.sceneName).toBe('server-test');
    op.send({ type: 'command', id: 2, command: { name: 'load_scenario', scenario: 'reach-targets' } });
    // The new scene's welcome, then the ack.
    const w = await op.next((m) => m.type === 'welcome');
    expect(await op.next((m) => m.type === 'ack' && m.id === 2)).toMatchObject({ detail: expect.stringContaining('reach-targets') });
    expect(w.type === 'welcome' && w.scene.name).toBe('reach-targets');
    expect(w.type === 'welcome' && w.inputRobots).toEqual([]);
    // Its scripted hand drives psm1: after a second the arm follows it.
    await sleep(1500);
    const s = server.sim.state()!;
    expect(s.robots[0].teleop).toBe('ENABLED');
    expect(s.robots[0].hand[0]).toBeGreaterThan(0.001);
    // Live input for it is refused: it follows its script.
    op.send({ type: 'input', robot: 'psm1', p: [0, 0, 0], q: q0, grip: 0, clutch: false });
    expect((await op.error()).code).toBe('unknown_robot');
    // Back to the test scene, as YAML text.
    op.send({ type: 'command', id: 3, command: { name: 'load_scenario', scenario: readFileSync('test/server-helpers.ts', 'utf8').match(/ONE_PSM = `([^`]+)`/)![1] } });
    expect(await op.next((m) => (m.type === 'ack' || m.type === 'error') && m.id === 3)).toMatchObject({ type: 'ack' });
    op.close();
  });

  it('sends the pose of each free object from its body (not the fixed phantom): a box off the phantom falls', async () => {
    // Nothing under the box: it falls for the whole test, so two states show it at two heights.
    const box = { p: [0.15, 0.1, 0.05], q: [0, 0, Math.sin(Math.PI / 8), Math.cos(Math.PI / 8)] };
    const falling = `name: falling-box
duration: 60
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
objects:
  - { id: phantom, shape: box, size: [0.2, 0.2, 0.02], position: [0, 0, -0.01], fixed: true }
  - { id: box, shape: box, size: [0.01, 0.01, 0.01], position: [${box.p.join(', ')}], orientation: [${box.q.join(', ')}] }
`;
    const op = await TestClient.operator(server);
    op.send({ type: 'command', id: 1, command: { name: 'load_scenario', scenario: falling } });
    const w = await op.next((m) => m.type === 'welcome');
    expect(w.type === 'welcome' && w.scene.objects.map((o) => [o.id, o.fixed])).toEqual([['phantom', true], ['box', false]]);
    expect(await op.next((m) => (m.type === 'ack' || m.type === 'error') && m.id === 1)).toMatchObject({ type: 'ack' });
    const inScene = (m: ServerMessage, tick: number) => m.type === 'state' && m.objects.length > 0 && m.tick >= tick;
    const a = await op.next<StateMessage>((m) => inScene(m, 150));
    const b = await op.next<StateMessage>((m) => inScene(m, a.tick + 100));
    for (const s of [a, b]) {
      expect(s.objects.map((o) => o.id)).toEqual(['box']);
      const pose = s.objects[0].pose;
      expect(pose).toHaveLength(7);
      // Falling straight down: x, y and the orientation stay; z drops, at most ½ g t² (less: with the world's
      // millimetre lengthUnit Rapier caps the fall at 0.4 m/s), so these are the body's poses, not the scenario's.
      expect(pose[0]).toBe(box.p[0]);
      expect(pose[1]).toBe(box.p[1]);
      pose.slice(3).forEach((v, i) => expect(v).toBeCloseTo(box.q[i], 6));
      const fallen = box.p[2] - pose[2];
      expect(fallen).toBeGreaterThan(0.01);
      expect(fallen).toBeLessThan(0.5 * 9.81 * (s.t + 0.003) ** 2);
    }
    expect(b.objects[0].pose[2]).toBeLessThan(a.objects[0].pose[2] - 0.01);
    op.send({ type: 'command', id: 2, command: { name: 'load_scenario', scenario: ONE_PSM } });
    expect(await op.next((m) => (m.type === 'ack' || m.type === 'error') && m.id === 2)).toMatchObject({ type: 'ack' });
    op.close();
  });
});

describe('the default live scene', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await testServer({ scenario: undefined });
    await warmUp(server);
  });
  afterAll(async () => { await server?.close(); });

  it('has two PSMs that take input and the ECM holding its camera over the phantom', async () => {
    const v = await TestClient.viewer(server);
    const w = v.welcome()!;
    expect(w.scene.name).toBe('live-default');
    expect(w.scene.robots.map((r) => `${r.id}:${r.type}`)).toEqual(['psm1:psm', 'psm2:psm', 'ecm:ecm']);
    expect(w.inputRobots).toEqual(['psm1', 'psm2']);
    expect(w.controllers.psm1.tremor_filter.type).toBe('adaptive');
    expect(w.scene.targets.length).toBeGreaterThanOrEqual(3);
    const s = await v.freshState();
    const ecm = s.robots[2];
    expect(ecm.teleop).toBe('DISABLED');
    expect(ecm.safe).toBe(false);
    // The camera looks down at the phantom: its optical axis (z of the camera pose) meets the table near the centre.
    const [x, y, z, qx, qy, qz, qw] = ecm.tip;
    const axis = [2 * (qx * qz + qw * qy), 2 * (qy * qz - qw * qx), 1 - 2 * (qx * qx + qy * qy)];
    expect(axis[2]).toBeLessThan(-0.8);
    const k = -z / axis[2];
    expect(Math.hypot(x + k * axis[0], y + k * axis[1])).toBeLessThan(0.02);
    // Both instrument tips are in front of it, above the phantom.
    for (const id of ['psm1', 'psm2']) {
      const tip = tipOf(s, id);
      expect(tip[2]).toBeGreaterThan(0);
      expect(Math.hypot(tip[0], tip[1])).toBeLessThan(0.05);
    }
    v.close();
  });

  it('the emergency stop puts every arm in the safe state, and they hold while the hands move', async () => {
    const op = await TestClient.operator(server);
    const v = await TestClient.viewer(server);
    const d1 = drive(op, 'psm1', (t) => [0.02 * Math.sin(3 * t), 0, 0], () => ({ enable: true }));
    const d2 = drive(op, 'psm2', (t) => [0, 0.02 * Math.sin(3 * t), 0], () => ({ enable: true }));
    // Both following at once (re-enabling an arm the watchdog stopped, a few times).
    for (let attempt = 1; ; attempt++) {
      d1.toggle();
      d2.toggle();
      const ok = await v.next<StateMessage>((m) => m.type === 'state' && m.robots[0].teleop === 'ENABLED' && m.robots[1].teleop === 'ENABLED', 3000).catch(() => undefined);
      if (ok) break;
      if (attempt === ATTEMPTS) throw new Error(`psm1 and psm2 never followed together: ${eventsSince(v, 0).map((e) => `${e.t} ${e.robot} ${e.kind}`).join('; ')}`);
    }
    op.send({ type: 'command', id: 9, command: { name: 'estop' } });
    expect(await op.next((m) => m.type === 'ack' && m.id === 9)).toBeTruthy();
    const s = await v.next<StateMessage>((m) => m.type === 'state' && m.estop, 5000);
    for (const r of s.robots) {
      expect(r.safe, r.id).toBe(true);
      expect(r.teleop, r.id).toBe('DISABLED');
    }
    const later = await v.stateAt(s.tick + 500);
    for (const id of ['psm1', 'psm2']) {
      const a = tipOf(s, id), b = tipOf(later, id);
      expect(Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]), id).toBeLessThan(0.0005);
    }
    const events = v.messages.filter((m): m is StateMessage => m.type === 'state').flatMap((m) => m.events);
    expect(events.some((e) => e.kind === 'estop')).toBe(true);
    expect(events.filter((e) => e.kind === 'safe_state' && e.tick >= s.tick - 100).map((e) => e.robot).sort()).toEqual(expect.arrayContaining(['psm1', 'psm2']));
    // Enabling during the stop is refused; after a reset it works again.
    op.send({ type: 'command', id: 10, command: { name: 'enable', robot: 'psm1' } });
    await op.next((m) => m.type === 'ack' && m.id === 10);
    op.send({ type: 'command', id: 11, command: { name: 'reset' } });
    await op.next((m) => m.type === 'ack' && m.id === 11);
    let back: StateMessage | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS && !back; attempt++) {
      op.send({ type: 'command', id: 11 + attempt, command: { name: 'enable', robot: 'psm1' } });
      await op.next((m) => m.type === 'ack' && m.id === 11 + attempt);
      back = await v.next<StateMessage>((m) => m.type === 'state' && !m.estop && m.robots[0].teleop === 'ENABLED', 3000).catch(() => undefined);
    }
    if (!back) throw new Error('psm1 did not follow again after reset and enable');
    expect(back.robots[1].safe).toBe(true); // psm2 was not re-enabled
    d1.stop();
    d2.stop();
    op.close();
    v.close();
  });
});

describe('steadysim serve', () => {
  it('prints the operator URL with the token and serves until SIGINT', async () => {
    const child = spawn(process.execPath, ['bin/steadysim.js', 'serve', '--port', '0', '--no-build', '--scenario', 'scenarios/live-default.yaml', '--record-dir', tempDir('steadysim-serve-')], {
      env: { ...process.env, STEADYSIM_TOKEN: TOKEN, PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += String(b); });
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    try {
      const t0 = Date.now();
      while (!/Ctrl-C/.test(out) && Date.now() - t0 < 60_000) await sleep(100);
      const m = out.match(/operator: +(http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))/);
      expect(m, out).not.toBeNull();
      expect(decodeURIComponent(m![3])).toBe(TOKEN);
      expect(out).toMatch(/WebSocket: ws:\/\/127\.0\.0\.1:\d+\/ws/);
      const c = await TestClient.connect(`ws://127.0.0.1:${m![2]}/ws`);
      c.send({ type: 'hello', role: 'operator', token: TOKEN });
      const w = await c.reply();
      expect(w.type === 'welcome' && w.role).toBe('operator');
      c.close();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});

