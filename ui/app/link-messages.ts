// Messages between the page and its link worker (live-link.ts ↔ link-worker.ts).
import type { ClientMessage, ServerMessage } from '../protocol.ts';
import type { DeviceRates, Nudge } from './hand-motion.ts';
import type { TremorSettings } from './tremor-simulator.ts';

export type Vec3 = [number, number, number];

export type ToWorker =
  | { kind: 'connect'; url: string; token?: string }
  | { kind: 'send'; message: ClientMessage }
  | { kind: 'rates'; rates: DeviceRates }
  | { kind: 'nudge'; nudge: Nudge }
  | { kind: 'axes'; right: Vec3; up: Vec3; back: Vec3 }
  | { kind: 'select'; robot: string }
  | { kind: 'tremor'; settings: TremorSettings };

export type FromWorker =
  | { kind: 'message'; message: ServerMessage }
  | { kind: 'status'; status: 'connecting' | 'open' | 'closed'; detail?: string }
  | { kind: 'stats'; inputRate: number; inputsSent: number; maxGapMs: number };
