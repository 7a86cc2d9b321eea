// Messages between the server's main thread (HTTP, WebSocket, validation) and the simulation thread
// (sim-worker.ts: the scene on the realtime clock). The simulation has a thread of its own so that nothing a
// client sends, however slow to parse, and no broadcast delays a tick.
import type { CommandMessage, ErrorCode, SceneDescription, WelcomeMessage } from '../protocol.ts';
import type { LoadedScenario } from '../../scenarios/loader.ts';
import type { SessionStats } from './live-session.ts';

/** What the main thread needs to answer clients without asking the simulation: the scene and who takes what. */
export interface SceneInfo {
  readonly scene: SceneDescription;
  readonly controllers: WelcomeMessage['controllers'];
  /** Robots that take live input. */
  readonly inputRobots: readonly string[];
}

/** Commands the simulation thread runs (load_scenario arrives parsed, as `load`). */
export type SimCommand = Exclude<CommandMessage['command'], { name: 'load_scenario' }>;

export interface SimWorkerData {
  readonly scene: LoadedScenario;
  readonly recordDir: string;
  readonly recordFile?: string;
  readonly recordRate?: number;
}

export type ToSim =
  /**
   * `at`: when the server received it, ms since the epoch (performance.timeOrigin + performance.now()); for an
   * input with a device timestamp, when it was sent as that maps to this clock (device-clock.ts).
   * `enable`: present when the operator's presence changed with this sample (enable or disable teleoperation).
   */
  | { readonly kind: 'input'; readonly robot: string; readonly p: readonly number[]; readonly q: readonly number[]; readonly grip: number; readonly clutch: boolean; readonly at: number; readonly enable?: boolean }
  | { readonly kind: 'command'; readonly id: number; readonly command: SimCommand; readonly at: number }
  | { readonly kind: 'load'; readonly id: number; readonly loaded: LoadedScenario }
  | { readonly kind: 'stats'; readonly id: number }
  | { readonly kind: 'close'; readonly id: number };

export type FromSim =
  | { readonly kind: 'ready'; readonly info: SceneInfo }
  | { readonly kind: 'failed'; readonly message: string; readonly badScenario: boolean }
  /** A new scene runs. */
  | { readonly kind: 'scene'; readonly info: SceneInfo }
  /** Controller settings changed (a `set`). */
  | { readonly kind: 'controllers'; readonly controllers: WelcomeMessage['controllers'] }
  /** A state message, serialised once, for every client. */
  | { readonly kind: 'state'; readonly json: string }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly detail: string }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'stats'; readonly id: number; readonly stats: SessionStats }
  /** Something every client should hear (the loop failed and the scene restarted). */
  | { readonly kind: 'notice'; readonly message: string }
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'closed'; readonly id: number };
