// What a SteadySim recording holds: topics, their JSON schemas, and the JSON encoding of numbers.
// Free of Node and of the schema texts (recording/schemas.ts), so the page reads recordings with it too.

export const METADATA_NAME = 'steadysim';
export const FORMAT_VERSION = 1;

export const topic = {
  input: (robot: string) => `/input/${robot}`,
  jointStates: (robot: string) => `/${robot}/joint_states`,
  command: (robot: string) => `/${robot}/command`,
  tf: '/tf',
  events: '/events',
  hash: '/hash',
} as const;

/** One operator sample as the device delivered it (before the latch validates it), or its absence. */
export interface InputMessage {
  tick: number;
  /** False from this tick on: nothing arrives (dropout, loss) until a message with true. */
  fresh: boolean;
  p: number[];
  q: number[];
  grip: number;
  clutch: boolean;
}

export interface CommandMessage {
  timestamp: { sec: number; nsec: number };
  tick: number;
  joints: string[];
  /** 0 position servo, 1 effort. */
  mode: number[];
  position: number[];
  velocity: number[];
  effort: number[];
}

export interface HashMessage {
  tick: number;
  hash: string;
  /** The raw numbers the hash covers (labels in the metadata's `state_labels`). */
  state: number[];
}

export interface SteadySimMetadata {
  format: string;
  scenario: string;
  scenario_file: string;
  seed: string;
  dt: string;
  hash_interval: string;
  state_every_ticks: string;
  steadysim_version: string;
  rapier_version: string;
  state_labels: string;
}

// JSON has no NaN or Infinity; a recorded fault (a NaN from the device) must survive the round trip.
function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}
function reviver(_k: string, v: unknown): unknown {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return v;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encode(value: unknown): Uint8Array {
  // The replacer is slow (called per value); our messages hold no nulls, so a null can only be a NaN/±Inf.
  const fast = JSON.stringify(value);
  return encoder.encode(fast.includes('null') ? JSON.stringify(value, replacer) : fast);
}

export function decode<T>(data: Uint8Array): T {
  return JSON.parse(decoder.decode(data), reviver) as T;
}

/** Simulated time of a tick as MCAP nanoseconds and a foxglove time. */
export function tickTime(tick: number, dtNs: bigint): { ns: bigint; stamp: { sec: number; nsec: number } } {
  const ns = dtNs * BigInt(tick);
  return { ns, stamp: { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) } };
}
