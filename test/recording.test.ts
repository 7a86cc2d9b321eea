// Recording and replay, as a QA engineer relies on them: every library scenario replays bit for bit from
// its recording; a changed input is caught at the tick it changed; the recorded tool tip is the forward
// kinematics of the recorded joints; a killed run leaves a readable file; Foxglove-style indexed reading works.
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { McapIndexedReader, McapStreamReader, McapWriter, type McapTypes } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { map } from 'rxjs';
import { loadScenarioVariants, parseScenario } from '../scenarios/loader.ts';
import { runScenario } from '../scenarios/runner.ts';
import { replayRecording } from '../scenarios/recording/replay.ts';
import { readRecording } from '../scenarios/recording/reader.ts';
import { SyncFileWritable } from '../scenarios/recording/sync-writable.ts';
import { decode, encode, type InputMessage } from '../scenarios/recording/topics.ts';
import { createPsmKinematics } from '../controller/kinematics/psm-kinematics.ts';
import { main } from '../scenarios/cli.ts';
import type { TickFrame } from '../controller/frame.ts';
import type { SimWorld } from '../sim/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'steadysim-rec-'));
// live-*.yaml: scenes for the live server, ten idle minutes headless; their live recordings are tested in server-live.test.ts.
const LIBRARY = readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && !f.startsWith('live-')).sort();

async function record(file: string, path: string) {
  const [v] = loadScenarioVariants(file);
  return runScenario(v.scenario, { record: { path, scenarioText: v.text, scenarioFile: file } });
}

describe('record → replay --verify', () => {
  it.each(LIBRARY)('%s replays bit for bit', async (name) => {
    const variants = loadScenarioVariants(join('scenarios', name));
    for (const [i, v] of variants.entries()) {
      const path = join(dir, `${name}-${i}.mcap`);
      const original = await runScenario(v.scenario, { record: { path, scenarioText: v.text, scenarioFile: join('scenarios', name) } });
      const { result, verify } = await replayRecording(path, { verify: true });
      expect(verify?.message).toMatch(/matches/);
      expect(verify?.ok).toBe(true);
      expect(verify?.checkpointsCompared).toBe(original.hashes.length);
      expect(result.final_state_hash).toBe(original.final_state_hash);
    }
  });

  it('a changed recorded input fails verification at the tick it changed, naming what differs', async () => {
    const path = join(dir, 'orig.mcap');
    await record('scenarios/tremor-none.yaml', path);
    const changedTick = 2500;
    const altered = join(dir, 'altered.mcap');
    await rewrite(path, altered, (topic, data) => {
      if (topic !== '/input/psm1') return data;
      const m = decode<InputMessage>(data);
      if (m.tick !== changedTick) return data;
      m.p[0] += 0.002; // the hand 2 mm further along x for one sample
      return encode(m);
    });
    const { verify } = await replayRecording(altered, { verify: true });
    expect(verify?.ok).toBe(false);
    expect(verify?.firstTick).toBeGreaterThanOrEqual(changedTick);
    expect(verify?.firstTick).toBeLessThanOrEqual(changedTick + 1);
    expect(verify?.message).toContain(`tick ${verify?.firstTick}`);
    expect(verify?.message).toMatch(/psm1 joint \w+ (position|velocity|effort): recorded/);
    // The real CLI: exit 1 and the same report.
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['replay', altered, '--verify', '--quiet', '--out', join(dir, 'replay-out')]);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(1);
    expect(out.join('')).toContain(`first at tick ${verify?.firstTick}`);
  });

  it('the recorded tool tip is the forward kinematics of the recorded joint states (within 0.1 mm)', async () => {
    const path = join(dir, 'fk.mcap');
    await record('scenarios/reach-targets.yaml', path);
    const rec = readRecording(path);
    const joints = new Map(rec.jointStates('psm1').map((s) => [s.tick, s.msg]));
    const chain = createPsmKinematics();
    const m = new Float64Array(16);
    let worst = 0, n = 0;
    for (const { tick, msg } of rec.transforms()) {
      const tip = msg.transforms.find((t) => t.child_frame_id === 'psm1/tool_tip')!;
      const js = joints.get(tick)!;
      chain.fk(js.joints.slice(0, chain.dof).map((j) => j.position), m);
      const d = Math.hypot(m[3] - tip.translation.x, m[7] - tip.translation.y, m[11] - tip.translation.z);
      worst = Math.max(worst, d);
      n++;
    }
    expect(n).toBe(12000);
    expect(worst).toBeLessThan(1e-4);
  });

  it('/tf holds each free object in the world at its body\'s pose (not the fixed phantom), and the run replays', async () => {
    // A tilted box dropped onto the phantom: it lands on an edge and tips over, so position and rotation change.
    const text = `name: tipping-box
duration: 0.4
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
objects:
  - { id: phantom, shape: box, size: [0.2, 0.2, 0.02], position: [0, 0, -0.01], fixed: true }
  - { id: box, shape: box, size: [0.02, 0.02, 0.02], position: [0.04, 0.04, 0.03], orientation: [0.258819, 0, 0, 0.9659258] }
`;
    const path = join(dir, 'objects.mcap');
    const scenario = parseScenario(text);
    const ticks = Math.round(scenario.duration * scenario.rate);
    let world: SimWorld | undefined;
    let last: number[] = [];
    // Taps run after the physics step, as the recorder's does: the body's pose at the last tick.
    const lastPose = map((f: TickFrame) => {
      if (f.tick === ticks - 1) {
        const b = world!.objects.find((o) => o.spec.id === 'box')!.body, p = b.translation(), q = b.rotation();
        last = [p.x, p.y, p.z, q.x, q.y, q.z, q.w];
      }
      return f;
    });
    const original = await runScenario(scenario, { record: { path, scenarioText: text }, taps: [lastPose], onPrepared: (run) => { world = run.world; } });
    const tf = readRecording(path).transforms();
    expect(tf).toHaveLength(ticks);
    const poses = tf.map(({ msg }) => {
      expect(msg.transforms.map((t) => t.child_frame_id)).toEqual(['psm1/rcm', 'psm1/tool_tip', 'box']);
      const { parent_frame_id, translation: v, rotation: r } = msg.transforms[2];
      expect(parent_frame_id).toBe('world');
      return [v.x, v.y, v.z, r.x, r.y, r.z, r.w];
    });
    expect(tf[ticks - 1].tick).toBe(ticks - 1);
    expect(poses[ticks - 1]).toEqual(last);
    // It fell and tipped over: lower, and turned by tens of degrees.
    expect(poses[0][2]).toBeCloseTo(0.03, 4);
    expect(last[2]).toBeLessThan(0.015);
    const dot = Math.abs(last[3] * 0.258819 + last[6] * 0.9659258);
    expect(2 * Math.acos(Math.min(1, dot)) * (180 / Math.PI)).toBeGreaterThan(15);
    const { result, verify } = await replayRecording(path, { verify: true });
    expect(verify?.ok).toBe(true);
    expect(result.final_state_hash).toBe(original.final_state_hash);
  });

  it('is an indexed MCAP file: the indexed reader finds chunks, channels and every message', async () => {
    const path = join(dir, 'indexed.mcap');
    const r = await record('scenarios/watchdog-dropout.yaml', path);
    const handle = await open(path, 'r');
    try {
      const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) });
      expect(reader.chunkIndexes.length).toBeGreaterThan(5); // at least one chunk per simulated second
      const topics = [...reader.channelsById.values()].map((c) => c.topic).sort();
      expect(topics).toEqual(['/events', '/hash', '/input/psm1', '/psm1/command', '/psm1/joint_states', '/tf']);
      let hashes = 0, joints = 0;
      for await (const msg of reader.readMessages()) {
        const t = reader.channelsById.get(msg.channelId)!.topic;
        if (t === '/hash') hashes++;
        if (t === '/psm1/joint_states') joints++;
      }
      expect(hashes).toBe(r.hashes.length);
      expect(joints).toBe(r.ticks);
      expect([...reader.metadataIndexes.map((m) => m.name)]).toContain('steadysim');
    } finally {
      await handle.close();
    }
  });

  it('a run killed with SIGKILL midway leaves a file readable up to its last chunk, and it replays', async () => {
    const path = join(dir, 'killed.mcap');
    const child = spawn(process.execPath, ['bin/steadysim.js', 'run', 'scenarios/reach-targets.yaml', '--record', path, '--quiet', '--out', join(dir, 'killed-out')], { stdio: 'ignore' });
    // Wait until several simulated seconds are on disk, then kill without warning.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      try { if (statSync(path).size > 10e6) break; } catch { /* not created yet */ }
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const rec = readRecording(path);
    expect(rec.complete).toBe(false);
    const inputs = rec.inputs('psm1');
    const states = rec.jointStates('psm1');
    expect(states.length).toBeGreaterThan(3000);
    expect(states.length).toBeLessThan(12000);
    // Nothing missing before the cut: every tick's joint state up to the last one read.
    states.forEach((s, i) => expect(s.tick).toBe(i));
    expect(inputs.length).toBeGreaterThan(0);
    // The streaming reader gets through it without a footer.
    const stream = new McapStreamReader();
    stream.append(readFileSync(path));
    let messages = 0;
    for (let r = stream.nextRecord(); r; r = stream.nextRecord()) if (r.type === 'Message') messages++;
    expect(messages).toBeGreaterThan(3000);
    const { verify } = await replayRecording(path, { verify: true });
    expect(verify?.ok).toBe(true);
    expect(verify?.message).toMatch(/cut short/);
  });

  it('replays without the hand file the scenario read (the recording holds every sample)', async () => {
    const sub = mkdtempSync(join(dir, 'hand-'));
    copyFileSync('scenarios/recorded-hand.yaml', join(sub, 'recorded-hand.yaml'));
    copyFileSync('scenarios/recorded-hand.csv', join(sub, 'recorded-hand.csv'));
    const path = join(sub, 'r.mcap');
    const original = await record(join(sub, 'recorded-hand.yaml'), path);
    rmSync(join(sub, 'recorded-hand.csv'));
    const { result, verify } = await replayRecording(path, { verify: true });
    expect(verify?.ok).toBe(true);
    expect(result.final_state_hash).toBe(original.final_state_hash);
  });

  it('an unreadable or foreign file gets exit 2 and a clear message', async () => {
    const junk = join(dir, 'junk.mcap');
    writeFileSync(junk, 'not an mcap file');
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => { err.push(s); return true; }) as typeof process.stderr.write;
    try {
      expect(await main(['replay', junk, '--verify', '--quiet'])).toBe(2);
      expect(await main(['replay', join(dir, 'missing.mcap'), '--quiet'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toMatch(/junk\.mcap/);
    expect(err.join('')).toMatch(/cannot read/);
  });
});

/** Copies an MCAP file record by record, letting `edit` change message payloads. */
async function rewrite(src: string, dst: string, edit: (topic: string, data: Uint8Array) => Uint8Array): Promise<void> {
  const reader = new McapStreamReader();
  reader.append(readFileSync(src));
  const out = new SyncFileWritable(dst);
  const w = new McapWriter({ writable: out, chunkSize: 64 * 1024 });
  await w.start({ profile: '', library: 'test rewrite' });
  const schemaIds = new Map<number, number>(), channelIds = new Map<number, number>(), topics = new Map<number, string>();
  for (let r: McapTypes.TypedMcapRecord | undefined = reader.nextRecord(); r; r = reader.nextRecord()) {
    if (r.type === 'Schema') schemaIds.set(r.id, await w.registerSchema({ name: r.name, encoding: r.encoding, data: r.data }));
    else if (r.type === 'Channel') {
      channelIds.set(r.id, await w.registerChannel({ topic: r.topic, schemaId: schemaIds.get(r.schemaId) ?? 0, messageEncoding: r.messageEncoding, metadata: r.metadata }));
      topics.set(r.id, r.topic);
    } else if (r.type === 'Metadata') await w.addMetadata({ name: r.name, metadata: r.metadata });
    else if (r.type === 'Message') {
      await w.addMessage({ ...r, channelId: channelIds.get(r.channelId)!, data: edit(topics.get(r.channelId)!, r.data) });
    }
  }
  await w.end();
  out.close();
}

