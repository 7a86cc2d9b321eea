// The exoskeleton in the live server: a library exoskeleton scene loads and walks on the realtime clock, `welcome`
// describes the patient, drives, normative tables and treadmill, `state.exo` carries the moving joints, and the
// exoskeleton's `set` (guidance, controller) applies live while a bad one gets an error and changes nothing, and a
// live session with sets, an emergency stop and a re-enable records and replays bit for bit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage, StateMessage, WelcomeMessage } from '../ui/protocol.ts';
import type { RunningServer } from '../ui/server/index.ts';
import { NORMATIVE_KNEE_DEG } from '../controller/exo/normative-gait.ts';
import { parse } from 'yaml';
import { readRecording } from '../scenarios/recording/reader.ts';
import { replayRecording } from '../scenarios/recording/replay.ts';
import { testServer, TestClient } from './server-helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: RunningServer;
let op: TestClient;
let welcome: WelcomeMessage;
let id = 1;

const command = (c: Record<string, unknown>) => ({ type: 'command', id: id++, command: c });
const isReply = (m: ServerMessage) => m.type === 'ack' || m.type === 'error';

beforeAll(async () => {
  server = await testServer();
  op = await TestClient.operator(server);
  op.send(command({ name: 'load_scenario', scenario: 'exo-healthy-position' }));
  welcome = await op.next<WelcomeMessage>((m) => m.type === 'welcome');
  const ack = await op.next(isReply);
  expect(ack.type).toBe('ack');
});

afterAll(async () => {
  op?.close();
  await server?.close();
});

describe('the exoskeleton scene in the live server', () => {
  it('describes the patient, the drives, the normative tables and the treadmill in welcome', () => {
    const exo = welcome.scene.exo!;
    expect(exo).toBeDefined();
    expect(welcome.scene.robots).toEqual([]);
    expect(exo.segments.map((s) => s.name)).toEqual(['pelvis', 'thigh_left', 'shank_left', 'foot_left', 'thigh_right', 'shank_right', 'foot_right']);
    expect(exo.drives.map((d) => d.name)).toEqual(['hip_left', 'knee_left', 'hip_right', 'knee_right']);
    for (const d of exo.drives) expect(d.upper).toBeGreaterThan(d.lower);
    expect(exo.normative.knee_deg).toEqual([...NORMATIVE_KNEE_DEG]);
    expect(exo.normative.step).toBeCloseTo(0.05, 12);
    expect(exo.treadmill.speed).toBeGreaterThan(0.3);
    expect(exo.controller).toEqual({ type: 'position', guidance: 1 });
    expect(welcome.inputRobots).toEqual([]);
  });

  it('walks: state.exo has segment poses and joint angles that change over the gait cycle', async () => {
    const states: StateMessage[] = [];
    op.cursor = op.messages.length;
    while (states.length < 40) states.push(await op.state());
    const exo = states.map((s) => s.exo!);
    for (const e of exo) {
      expect(e.segments).toHaveLength(7 * 7);
      expect(e.limbQ).toHaveLength(6);
      expect(e.driveQ).toHaveLength(4);
      expect(e.interactionTorque).toHaveLength(4);
      expect(e.controller).toBe('position');
      expect(e.safe).toBe(false);
    }
    const knee = exo.map((e) => e.limbQ[1]);
    expect(Math.max(...knee) - Math.min(...knee)).toBeGreaterThan(0.1);
    expect(new Set(exo.map((e) => e.phase)).size).toBeGreaterThan(30);
    // The patient stays over the belt (the treadmill's frame walks with the pelvis).
    for (const e of exo) expect(Math.abs(e.segments[0])).toBeLessThan(0.05);
  });

  it('applies set guidance and controller, reported in state.exo', async () => {
    op.send(command({ name: 'set', robot: 'exo', controller: 'impedance', guidance: 0.4 }));
    const ack = await op.next(isReply);
    expect(ack.type, JSON.stringify(ack)).toBe('ack');
    const s = await op.next<StateMessage>((m) => m.type === 'state' && m.exo?.controller === 'impedance');
    expect(s.exo!.guidanceSetting).toBe(0.4);
    expect(s.exo!.guidance).toEqual([0.4, 0.4, 0.4, 0.4]);
    op.send(command({ name: 'set', robot: 'exo', guidance: 0.7 }));
    expect((await op.next(isReply)).type).toBe('ack');
    const s2 = await op.next<StateMessage>((m) => m.type === 'state' && m.exo?.guidanceSetting === 0.7);
    expect(s2.exo!.controller).toBe('impedance');
    const events = op.messages.filter((m): m is StateMessage => m.type === 'state').flatMap((m) => m.events);
    expect(events.some((e) => e.kind === 'set' && e.detail.includes('guidance 0.7'))).toBe(true);
  });

  it('answers a malformed exoskeleton set with an error and applies nothing', async () => {
    const bad = [
      { name: 'set', robot: 'exo', guidance: 1.5 },
      { name: 'set', robot: 'exo', guidance: 'full' },
      { name: 'set', robot: 'exo', controller: 'magic' },
      { name: 'set', robot: 'exo', scale: 0.3 },
      { name: 'set', robot: 'exo' },
      { name: 'set', robot: 'leg', guidance: 0.2 },
    ];
    for (const c of bad) {
      op.send(command(c));
      const r = await op.next(isReply);
      expect(r.type, JSON.stringify(c)).toBe('error');
    }
    const s = await op.freshState();
    expect(s.exo!.guidanceSetting).toBe(0.7);
    expect(s.exo!.controller).toBe('impedance');
  });

  it('the emergency stop puts the exoskeleton in its safe state; reset and enable walk again', async () => {
    op.send(command({ name: 'estop' }));
    expect((await op.next(isReply)).type).toBe('ack');
    await op.next<StateMessage>((m) => m.type === 'state' && m.estop && m.exo?.safe === true);
    op.send(command({ name: 'reset' }));
    expect((await op.next(isReply)).type).toBe('ack');
    op.send(command({ name: 'enable', robot: 'exo' }));
    expect((await op.next(isReply)).type).toBe('ack');
    const s = await op.next<StateMessage>((m) => m.type === 'state' && !m.estop && m.exo?.safe === false);
    expect(s.exo!.controller).toBe('impedance');
  });

  it('records a live session with sets, an emergency stop and a re-enable, and the recording replays bit for bit', async () => {
    const cmd = async (c: Record<string, unknown>) => {
      const m = command(c);
      op.send(m);
      const r = await op.next((x) => isReply(x) && 'id' in x && x.id === m.id);
      expect(r.type, JSON.stringify(r)).toBe('ack');
      return r.type === 'ack' ? r.detail : '';
    };
    const started = await cmd({ name: 'start_recording' });
    const path = started.match(/recording to (\S+\.mcap)/)![1];
    await sleep(600);
    await cmd({ name: 'set', robot: 'exo', controller: 'aan', guidance: 0.8 });
    await sleep(500);
    await cmd({ name: 'set', robot: 'exo', guidance: 0.5 });
    await sleep(300);
    await cmd({ name: 'estop' });
    await sleep(200);
    await cmd({ name: 'reset' });
    await cmd({ name: 'enable', robot: 'exo' });
    await sleep(500);
    await cmd({ name: 'stop_recording' });

    // The recording's scenario lists the sets as timeline events, with what they set.
    const rec = readRecording(path);
    expect(rec.complete).toBe(true);
    const stored = parse(rec.meta.scenario) as { events: { t: number; kind: string; controller?: string; guidance?: number }[] };
    const sets = stored.events.filter((e) => e.kind === 'set');
    expect(sets.map((e) => [e.controller, e.guidance])).toEqual([['aan', 0.8], [undefined, 0.5]]);
    for (const k of ['estop', 'reset', 'enable']) expect(stored.events.map((e) => e.kind)).toContain(k);

    const { verify, result } = await replayRecording(path, { verify: true });
    expect(verify?.message).toMatch(/matches/);
    expect(verify?.ok).toBe(true);
    expect(verify?.checkpointsCompared).toBeGreaterThanOrEqual(1);
    expect(result.events.filter((e) => e.kind === 'set').map((e) => e.detail)).toEqual(['set controller aan, guidance 0.8', 'set guidance 0.5']);
  });
});
