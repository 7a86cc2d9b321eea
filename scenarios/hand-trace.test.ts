// Recorded hand motions from files: parsing with clear errors, resampling to the control rate, and the same
// trajectory as the equivalent script.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HandTraceError, loadHandTrace, parseHandTrace, TracePlayer } from './hand-trace.ts';
import { ScriptedHand } from './scripted-hand.ts';
import { operatorInput } from '../controller/frame.ts';
import { parseScenario } from './loader.ts';
import { runTraced } from '../test/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'steadysim-trace-'));

function error(text: string, format: 'csv' | 'jsonl' = 'csv'): HandTraceError {
  try {
    parseHandTrace(text, `hand.${format}`, format);
  } catch (e) {
    if (e instanceof HandTraceError) return e;
    throw e;
  }
  throw new Error('expected a HandTraceError');
}

describe('hand trace files', () => {
  it('reads CSV with a header, ignoring extra columns, comments and blank lines', () => {
    const t = parseHandTrace('# from the MTM\nt,x,y,z,qx,qy,qz,qw,grip,clutch,force\n0,0,0,0,0,0,0,1,0,0,9\n\n0.5,0.01,0.02,0.03,0,0,0,1,0.5,1,9\n', 'h.csv', 'csv');
    expect(Array.from(t.times)).toEqual([0, 0.5]);
    expect(Array.from(t.p)).toEqual([0, 0, 0, 0.01, 0.02, 0.03]);
    expect(Array.from(t.grip)).toEqual([0, 0.5]);
    expect(Array.from(t.clutch)).toEqual([0, 1]);
  });

  it('reads JSON lines with the same keys; orientation, grip and clutch are optional', () => {
    const t = parseHandTrace('{"t":0,"x":0,"y":0,"z":0,"clutch":true}\n{"t":1,"x":0.1,"y":0,"z":0,"clutch":false}\n', 'h.jsonl', 'jsonl');
    expect(Array.from(t.q)).toEqual([0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(t.clutch)).toEqual([1, 0]);
  });

  it.each([
    ['a missing column', 't,x,y\n0,0,0\n', 1, /missing column 'z'/],
    ['half a quaternion', 't,x,y,z,qx,qy\n0,0,0,0,0,0\n', 1, /missing column 'qz'.*all of qx, qy, qz, qw/],
    ['a non-numeric value', 't,x,y,z\n0,0,0,0\n0.1,abc,0,0\n', 3, /x: expected a finite number, got "abc"/],
    ['an empty cell', 't,x,y,z\n0,0,,0\n', 2, /y: expected a finite number, got nothing/],
    ['times not increasing', 't,x,y,z\n0,0,0,0\n0.2,0,0,0\n0.1,0,0,0\n', 4, /t = 0.1 is not after .* 0.2: times must strictly increase/],
    ['a short row', 't,x,y,z\n0,0,0,0\n0.1,0,0\n', 3, /3 fields where the header has 4/],
    ['no header', '0,0,0,0\n', 1, /expected a header line/],
    ['a non-unit quaternion', 't,x,y,z,qx,qy,qz,qw\n0,0,0,0,0,0,0,0.5\n', 2, /norm 0.5000: expected a unit quaternion/],
    ['a bad clutch value', 't,x,y,z,clutch\n0,0,0,0,maybe\n', 2, /clutch: expected 0, 1, true or false/],
    ['grip out of range', 't,x,y,z,grip\n0,0,0,0,2\n', 2, /grip = 2/],
  ])('CSV: %s is an error with its line', (_what, text, line, message) => {
    const e = error(text);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^hand\\.csv:${line}: `));
  });

  it('JSON lines: bad JSON and a key missing from a later line are errors with their line', () => {
    expect(error('{"t":0,"x":0,"y":0,"z":0}\n{"t":1,"x":0.1\n', 'jsonl').line).toBe(2);
    const e = error('{"t":0,"x":0,"y":0,"z":0}\n\n{"t":1,"x":0.1,"y":0}\n', 'jsonl');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/missing key 'z'/);
  });

  it('resamples: linear position and grip, slerp orientation, clutch held; held before the first and after the last sample', () => {
    const s = Math.SQRT1_2;
    const t = parseHandTrace(`t,x,y,z,qx,qy,qz,qw,grip,clutch\n1,0,0,0,0,0,0,1,0,0\n2,0.1,0,0,0,0,${s},${s},1,1\n3,0.1,0,0,0,0,${s},${s},1,0\n`, 'h.csv', 'csv');
    const player = new TracePlayer(t);
    const out = operatorInput();
    expect(player.at(0, out)).toBe(false);
    expect(out.p[0]).toBe(0);
    expect(player.at(1.25, out)).toBe(false);
    expect(out.p[0]).toBeCloseTo(0.025, 12);
    expect(out.grip).toBeCloseTo(0.25, 12);
    // A quarter of the way through a 90° turn about z is 22.5°.
    expect(2 * Math.atan2(out.q[2], out.q[3])).toBeCloseTo(Math.PI / 8, 12);
    expect(player.at(2.5, out)).toBe(true); // clutch of the sample at t = 2, held until t = 3
    expect(player.at(3.5, out)).toBe(false);
    expect(out.p[0]).toBeCloseTo(0.1, 12);
    // Played backwards it still finds the right segment.
    player.at(1.5, out);
    expect(out.p[0]).toBeCloseTo(0.05, 12);
  });
});

/** The script's voluntary motion written out at `hz` as a CSV (or JSON lines) file. */
function writeTraceOf(script: ScriptedHand, seconds: number, hz: number, format: 'csv' | 'jsonl'): string {
  const dtScript = 0.001;
  const out = operatorInput();
  const rows: string[] = format === 'csv' ? ['t,x,y,z,qx,qy,qz,qw,grip,clutch'] : [];
  for (let k = 0; k <= seconds * hz; k++) {
    const t = k / hz;
    script.sample(Math.round(t / dtScript), out);
    const v = [t, ...out.p, ...out.q, out.grip, 0];
    rows.push(format === 'csv' ? v.join(',') : JSON.stringify(Object.fromEntries(['t', 'x', 'y', 'z', 'qx', 'qy', 'qz', 'qw', 'grip', 'clutch'].map((c, i) => [c, v[i]]))));
  }
  const file = join(dir, `hand-${format}-${hz}.${format}`);
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

const SCRIPT = [
  { t: 0, p: [0, 0, 0] as [number, number, number], grip: 0.2 },
  { t: 1, p: [0.03, 0.01, -0.01] as [number, number, number], rpy_deg: [10, 0, 30] as [number, number, number], grip: 0.8 },
  { t: 2, p: [0.01, 0.03, 0] as [number, number, number], rpy_deg: [0, -15, 0] as [number, number, number], grip: 0.4 },
];

describe('file input against the equivalent script', () => {
  it.each(['csv', 'jsonl'] as const)('%s at 200 Hz gives the script\'s hand motion within the resampling error', (format) => {
    const script = new ScriptedHand({ script: SCRIPT }, 0.001, 1, 'psm1');
    const file = writeTraceOf(new ScriptedHand({ script: SCRIPT }, 0.001, 1, 'psm1'), 2.5, 200, format);
    const s = parseScenario(`name: f\nduration: 2.5\nrobots: [{ id: psm1, type: psm, rcm: [0, 0, 0.15] }]\ninput: { psm1: { file: ${file} } }\n`, join(dir, 'f.yaml'));
    // The loader resolved the path and checked the file; the runner loads it like this.
    const fromFile = new ScriptedHand(s.input.psm1, 0.001, 1, 'psm1', loadHandTrace(s.input.psm1.file!));
    const a = operatorInput(), b = operatorInput();
    let maxP = 0, maxQ = 0, maxG = 0;
    for (let k = 0; k < 2500; k++) {
      script.sample(k, a);
      fromFile.sample(k, b);
      maxP = Math.max(maxP, Math.hypot(a.p[0] - b.p[0], a.p[1] - b.p[1], a.p[2] - b.p[2]));
      const dot = Math.abs(a.q[0] * b.q[0] + a.q[1] * b.q[1] + a.q[2] * b.q[2] + a.q[3] * b.q[3]);
      maxQ = Math.max(maxQ, 2 * Math.acos(Math.min(1, dot)));
      maxG = Math.max(maxG, Math.abs(a.grip - b.grip));
    }
    // Linear resampling of a minimum-jerk curve sampled every 5 ms: error ≤ max|p''|·h²/8, a few µm here.
    expect(maxP).toBeLessThan(5e-6);
    expect(maxQ).toBeLessThan(1e-3);
    expect(maxG).toBeLessThan(1e-3);
  });

  it('a run driven by the file follows the same tool-tip path as the run driven by the script', async () => {
    const file = writeTraceOf(new ScriptedHand({ script: SCRIPT }, 0.001, 1, 'psm1'), 2, 250, 'csv');
    const head = 'name: f\nseed: 1\nduration: 2\nrobots: [{ id: psm1, type: psm, rcm: [0, 0, 0.15] }]\n';
    const scripted = await runTraced(`${head}input:\n  psm1:\n    script:\n${SCRIPT.map((w) => `      - ${JSON.stringify(w)}`).join('\n')}\n`);
    const recorded = await runTraced(`${head}input: { psm1: { file: ${file.split('/').pop()} } }\n`, 0, join(dir, 'f.yaml'));
    let max = 0;
    for (let k = 0; k < scripted.trace.length; k++) {
      const a = scripted.trace[k].tip, b = recorded.trace[k].tip;
      max = Math.max(max, Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
    }
    expect(max).toBeLessThan(2e-6); // scaled by 0.2 at the tip
    expect(recorded.result.metrics['psm1.path_length_mm']).toBeCloseTo(scripted.result.metrics['psm1.path_length_mm'], 1);
  });
});
