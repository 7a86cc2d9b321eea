// A recorded operator hand motion read from a file (`input: { psm1: { file: hand.csv } }`): CSV with a header, or
// JSON lines. Loaded once into typed arrays, then resampled at any time: linear for position and grip, slerp for
// the orientation, the clutch held at its last value. A bad file is an error naming the file, the line and what
// was expected.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { OperatorInput } from '../controller/frame.ts';

/** Columns (CSV) or keys (JSON lines): t, x, y, z required; the quaternion all four or none (identity); grip 0, clutch off by default. */
export const TRACE_COLUMNS = ['t', 'x', 'y', 'z', 'qx', 'qy', 'qz', 'qw', 'grip', 'clutch'] as const;
type Column = typeof TRACE_COLUMNS[number];
const REQUIRED: readonly Column[] = ['t', 'x', 'y', 'z'];
const QUAT: readonly Column[] = ['qx', 'qy', 'qz', 'qw'];

export class HandTraceError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, readonly reason: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${reason}`);
    this.name = 'HandTraceError';
  }
}

/** A hand trace: n samples at strictly increasing times (s); position (m) and orientation in the master frame. */
export interface HandTrace {
  readonly file: string;
  readonly times: Float64Array;
  /** 3 per sample. */
  readonly p: Float64Array;
  /** 4 per sample, [x, y, z, w], unit, each on the same side as the one before (shortest-way blends). */
  readonly q: Float64Array;
  readonly grip: Float64Array;
  readonly clutch: Uint8Array;
}

/** One sample as read, before it is checked: the value of each column (undefined where the file has none). */
type RawRow = Partial<Record<Column, unknown>>;

/** Reads and checks a trace file: `.csv` (or any other extension) as CSV, `.jsonl` / `.ndjson` as JSON lines. */
export function loadHandTrace(file: string): HandTrace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new HandTraceError(file, undefined, `cannot read the input file: ${(e as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  return parseHandTrace(text, file, ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv');
}

export function parseHandTrace(text: string, file: string, format: 'csv' | 'jsonl'): HandTrace {
  const rows = format === 'csv' ? csvRows(text, file) : jsonlRows(text, file);
  if (rows.rows.length === 0) throw new HandTraceError(file, undefined, 'no samples: expected at least one row after the header');
  const has = (c: Column): boolean => rows.columns.has(c);
  for (const c of REQUIRED) if (!has(c)) throw new HandTraceError(file, rows.headerLine, `missing column '${c}': expected ${REQUIRED.join(', ')} (and optionally ${TRACE_COLUMNS.slice(4).join(', ')})`);
  const quatCols = QUAT.filter(has);
  if (quatCols.length > 0 && quatCols.length < 4) {
    throw new HandTraceError(file, rows.headerLine, `missing column '${QUAT.find((c) => !has(c))}': the orientation needs all of qx, qy, qz, qw (or none of them)`);
  }
  const n = rows.rows.length;
  const trace: HandTrace = {
    file,
    times: new Float64Array(n), p: new Float64Array(3 * n), q: new Float64Array(4 * n), grip: new Float64Array(n), clutch: new Uint8Array(n),
  };
  rows.rows.forEach(({ row, line }, i) => {
    const num = (c: Column): number => numberIn(row[c], c, file, line);
    const t = num('t');
    if (i > 0 && !(t > trace.times[i - 1])) {
      throw new HandTraceError(file, line, `t = ${t} is not after the previous sample's t = ${trace.times[i - 1]}: times must strictly increase`);
    }
    trace.times[i] = t;
    trace.p[3 * i] = num('x'); trace.p[3 * i + 1] = num('y'); trace.p[3 * i + 2] = num('z');
    if (quatCols.length === 4) {
      let qx = num('qx'), qy = num('qy'), qz = num('qz'), qw = num('qw');
      const norm = Math.hypot(qx, qy, qz, qw);
      if (Math.abs(norm - 1) > 0.01) throw new HandTraceError(file, line, `quaternion (qx, qy, qz, qw) has norm ${norm.toPrecision(4)}: expected a unit quaternion`);
      qx /= norm; qy /= norm; qz /= norm; qw /= norm;
      if (i > 0) {
        const o = 4 * (i - 1);
        if (qx * trace.q[o] + qy * trace.q[o + 1] + qz * trace.q[o + 2] + qw * trace.q[o + 3] < 0) { qx = -qx; qy = -qy; qz = -qz; qw = -qw; }
      }
      trace.q[4 * i] = qx; trace.q[4 * i + 1] = qy; trace.q[4 * i + 2] = qz; trace.q[4 * i + 3] = qw;
    } else {
      trace.q[4 * i + 3] = 1;
    }
    if (has('grip')) {
      const g = num('grip');
      if (g < -0.5 || g > 1) throw new HandTraceError(file, line, `grip = ${g}: expected a number from -0.5 (squeezed) to 1 (open)`);
      trace.grip[i] = g;
    }
    if (has('clutch')) trace.clutch[i] = clutchIn(row.clutch, file, line) ? 1 : 0;
  });
  return trace;
}

function numberIn(v: unknown, column: Column, file: string, line: number): number {
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(x)) {
    throw new HandTraceError(file, line, `${column}: expected a finite number, got ${v === undefined || v === '' ? 'nothing' : JSON.stringify(v)}`);
  }
  return x;
}

function clutchIn(v: unknown, file: string, line: number): boolean {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false' || v === '' || v === undefined) return false;
  throw new HandTraceError(file, line, `clutch: expected 0, 1, true or false, got ${JSON.stringify(v)}`);
}

interface Rows {
  readonly columns: ReadonlySet<string>;
  readonly headerLine: number;
  readonly rows: readonly { readonly row: RawRow; readonly line: number }[];
}

function csvRows(text: string, file: string): Rows {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's types do not follow `info: true`, which wraps each record as { record, info }.
    records = parseCsv(text, { info: true, comment: '#', skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number; code?: string };
    const counts = /expect (\d+), got (\d+)/.exec(err.message);
    const reason = err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && counts
      ? `${counts[2]} fields where the header has ${counts[1]}`
      : err.message.replace(/ on line \d+$/, '');
    throw new HandTraceError(file, err.lines, `CSV: ${reason}`);
  }
  if (records.length === 0) throw new HandTraceError(file, 1, `empty file: expected a header line ${TRACE_COLUMNS.join(',')}`);
  const header = records[0].record.map((h) => h.toLowerCase());
  const index = new Map<Column, number>();
  for (const c of TRACE_COLUMNS) {
    const k = header.indexOf(c);
    if (k >= 0) index.set(c, k);
  }
  const headerLine = records[0].info.lines;
  if (header.every((h) => h === '' || Number.isFinite(Number(h)))) {
    throw new HandTraceError(file, headerLine, `expected a header line naming the columns (${TRACE_COLUMNS.join(',')}), got numbers`);
  }
  return {
    columns: new Set(index.keys()),
    headerLine,
    rows: records.slice(1).map(({ record, info }) => {
      const row: RawRow = {};
      for (const [c, k] of index) row[c] = record[k];
      return { row, line: info.lines };
    }),
  };
}

function jsonlRows(text: string, file: string): Rows {
  const rows: { row: RawRow; line: number }[] = [];
  const columns = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s === '' || s.startsWith('#') || s.startsWith('//')) return;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      throw new HandTraceError(file, i + 1, `JSON lines: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HandTraceError(file, i + 1, `JSON lines: expected an object such as {"t": 0, "x": 0, "y": 0, "z": 0}`);
    const o = v as Record<string, unknown>;
    const row: RawRow = {};
    for (const c of TRACE_COLUMNS) {
      if (c in o) {
        row[c] = o[c];
        columns.add(c);
      }
    }
    // Every line must carry what the first one did: a key present in some lines only is a mistake.
    if (rows.length > 0) {
      for (const c of columns) if (!(c in o)) throw new HandTraceError(file, i + 1, `missing key '${c}' (earlier lines have it)`);
    }
    rows.push({ row, line: i + 1 });
  });
  return { columns, headerLine: rows[0]?.line ?? 1, rows };
}

/**
 * Plays a trace back at any time t: before the first sample it holds the first, after the last the last. Samples
 * are looked up from a cursor, so playing forward costs O(1) per call; nothing is allocated.
 */
export class TracePlayer {
  private cursor = 0;

  constructor(readonly trace: HandTrace) {}

  /** Fills p, q and grip of `out` for time t; returns the clutch state (the last sample's at or before t). */
  at(t: number, out: OperatorInput): boolean {
    const T = this.trace.times;
    const last = T.length - 1;
    let i = this.cursor;
    if (i > 0 && t < T[i]) i = 0; // played backwards: search again from the start
    while (i < last && t >= T[i + 1]) i++;
    this.cursor = i;
    const P = this.trace.p, Q = this.trace.q, G = this.trace.grip;
    if (t <= T[0] || i >= last) {
      const k = t <= T[0] ? 0 : last;
      out.p[0] = P[3 * k]; out.p[1] = P[3 * k + 1]; out.p[2] = P[3 * k + 2];
      out.q[0] = Q[4 * k]; out.q[1] = Q[4 * k + 1]; out.q[2] = Q[4 * k + 2]; out.q[3] = Q[4 * k + 3];
      out.grip = G[k];
      return this.trace.clutch[k] === 1;
    }
    const s = (t - T[i]) / (T[i + 1] - T[i]);
    for (let c = 0; c < 3; c++) out.p[c] = P[3 * i + c] + s * (P[3 * i + 3 + c] - P[3 * i + c]);
    slerp(out.q, Q, 4 * i, 4 * i + 4, s);
    out.grip = G[i] + s * (G[i + 1] - G[i]);
    return this.trace.clutch[i] === 1;
  }
}

/** Spherical linear interpolation of the unit quaternions at q[a…a+3] and q[b…b+3] (the short way). */
export function slerp(out: Float64Array, q: Float64Array, a: number, b: number, s: number): void {
  let dot = q[a] * q[b] + q[a + 1] * q[b + 1] + q[a + 2] * q[b + 2] + q[a + 3] * q[b + 3];
  const sign = dot < 0 ? -1 : 1;
  dot *= sign;
  let wa: number, wb: number;
  if (dot > 0.9995) {
    // Nearly parallel: normalised lerp is exact to rounding here, and avoids 0/0.
    wa = 1 - s; wb = s;
  } else {
    const theta = Math.acos(dot), sin = Math.sin(theta);
    wa = Math.sin((1 - s) * theta) / sin; wb = Math.sin(s * theta) / sin;
  }
  wb *= sign;
  let n = 0;
  for (let c = 0; c < 4; c++) {
    out[c] = wa * q[a + c] + wb * q[b + c];
    n += out[c] * out[c];
  }
  n = Math.sqrt(n);
  for (let c = 0; c < 4; c++) out[c] /= n;
}
