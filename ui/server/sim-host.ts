// The main thread's side of the simulation thread (sim-worker.ts): it answers what it can from what it knows
// (the scene, who takes input), checks input as the loop's latch would (so a bad sample never reaches the
// simulation), parses scenarios to load (the YAML work stays off the simulation thread), and forwards the rest.
// If the simulation thread dies (a bug, not a client's doing), it starts it again with the scene it last ran.
import { Worker } from 'node:worker_threads';
import type { InputMessage, StateMessage, WelcomeMessage } from '../protocol.ts';
import { checkSample } from '../../controller/stages/latch.ts';
import type { LoadedScenario } from '../../scenarios/loader.ts';
import { ScenarioError } from '../../scenarios/loader.ts';
import { ClientError } from './errors.ts';
import type { SessionStats } from './live-session.ts';
import { welcomeMessage } from './scene.ts';
import { loadSceneArgument } from './scenes.ts';
import type { FromSim, SceneInfo, SimCommand, SimWorkerData, ToSim } from './sim-messages.ts';
import type { CommandMessage } from '../protocol.ts';

const WORKER_ENTRY = new URL('./sim-worker.js', import.meta.url);

export interface SimHostOptions {
  readonly scene: LoadedScenario;
  readonly recordDir: string;
  readonly recordFile?: string;
  readonly recordRate?: number;
  readonly log: (line: string) => void;
}

export interface SimHostEvents {
  /** A serialised state message for every client. */
  state(json: string): void;
  /** A new scene runs: every client needs a new `welcome`. */
  sceneChanged(): void;
  notice(message: string): void;
}

type Pending = { ok: (m: FromSim) => void; fail: (e: Error) => void };

export class SimHost {
  private worker: Worker;
  private info: SceneInfo;
  private scene: LoadedScenario;
  private readonly opts: SimHostOptions;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  private restarts: number[] = [];
  private handlers: SimHostEvents = { state: () => undefined, sceneChanged: () => undefined, notice: () => undefined };
  /** Increases with every new scene (connections forget their per-scene memory when it changes). */
  generation = 0;
  /** The last state sent (for tests and the log). */
  lastState: string | undefined;

  private constructor(worker: Worker, info: SceneInfo, opts: SimHostOptions) {
    this.worker = worker;
    this.info = info;
    this.scene = opts.scene;
    this.opts = opts;
    this.attach(worker);
  }

  /** Starts the simulation thread; rejects with a ScenarioError-like message when the scene cannot run. */
  static async start(opts: SimHostOptions): Promise<SimHost> {
    const { worker, info } = await spawn(opts.scene, opts, opts.recordFile);
    return new SimHost(worker, info, opts);
  }

  on(handlers: SimHostEvents): void {
    this.handlers = handlers;
  }

  get inputRobots(): readonly string[] {
    return this.info.inputRobots;
  }

  get sceneName(): string {
    return this.info.scene.name;
  }

  welcome(role: 'viewer' | 'operator'): WelcomeMessage {
    return welcomeMessage(role, this.info.scene, this.info.controllers, this.info.inputRobots);
  }

  /**
   * One operator sample: refused here unless its robot takes input and its numbers are what the latch accepts
   * (finite, a unit quaternion, inside the master workspace). `presence`: the connection's last `enable` per
   * robot; a change asks to enable or disable teleoperation (recorded as an event). `at`: when it was received,
   * or when it was sent as its device timestamp maps to this clock (device-clock.ts), ms since the epoch.
   */
  input(m: InputMessage, presence: Map<string, boolean>, at: number): void {
    if (!this.info.inputRobots.includes(m.robot)) {
      const takes = this.info.inputRobots;
      throw new ClientError('unknown_robot', `no robot '${m.robot}' takes live input${takes.length ? ` (input goes to ${takes.join(', ')})` : ' in this scene'}`);
    }
    const problem = checkSample(Float64Array.from(m.p), Float64Array.from(m.q), m.grip);
    if (problem) throw new ClientError('invalid_message', `input for ${m.robot} refused: ${problem.message}`);
    let enable: boolean | undefined;
    if (m.enable !== undefined && presence.get(m.robot) !== m.enable) {
      presence.set(m.robot, m.enable);
      enable = m.enable;
    }
    this.post(enable === undefined
      ? { kind: 'input', robot: m.robot, p: m.p, q: m.q, grip: m.grip, clutch: m.clutch, at }
      : { kind: 'input', robot: m.robot, p: m.p, q: m.q, grip: m.grip, clutch: m.clutch, at, enable });
  }

  /** Runs a command received at `at` (ms since the epoch); resolves to the `ack` detail or rejects with a ClientError. */
  async command(c: CommandMessage['command'], at: number): Promise<string> {
    if (this.closing) throw new ClientError('internal', 'the server is shutting down');
    if (c.name === 'load_scenario') {
      const loaded = loadSceneArgument(c.scenario);
      const detail = await this.request<string>((id) => ({ kind: 'load', id, loaded }));
      this.scene = loaded;
      return detail;
    }
    return this.request<string>((id) => ({ kind: 'command', id, command: c as SimCommand, at }));
  }

  /** The simulation's timing and input statistics now. */
  stats(): Promise<SessionStats> {
    return this.request<SessionStats>((id) => ({ kind: 'stats', id }));
  }

  /** The last state, parsed. */
  state(): StateMessage | undefined {
    return this.lastState ? (JSON.parse(this.lastState) as StateMessage) : undefined;
  }

  /** Finishes a recording in progress and stops the simulation thread. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    try {
      await Promise.race([
        this.request<void>((id) => ({ kind: 'close', id })),
        // Unref'd: once the thread answers, this timer must not hold the process open for the rest of its 10 s.
        new Promise((ok) => setTimeout(ok, 10_000).unref()),
      ]);
    } catch {
      // the thread is gone already
    }
    await this.worker.terminate();
  }

  private post(m: ToSim): void {
    this.worker.postMessage(m);
  }

  private request<T>(make: (id: number) => ToSim): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, {
        ok: (m) => {
          if (m.kind === 'reply') {
            if (m.ok) ok(m.detail as T);
            else fail(new ClientError(m.code, m.message));
          } else if (m.kind === 'stats') ok(m.stats as T);
          else ok(undefined as T);
        },
        fail,
      });
      this.post(make(id));
    });
  }

  private attach(worker: Worker): void {
    worker.on('message', (m: FromSim) => {
      switch (m.kind) {
        case 'state':
          this.lastState = m.json;
          this.handlers.state(m.json);
          break;
        case 'scene':
          this.info = m.info;
          this.generation++;
          this.handlers.sceneChanged();
          break;
        case 'controllers':
          this.info = { ...this.info, controllers: m.controllers };
          break;
        case 'notice':
          this.handlers.notice(m.message);
          break;
        case 'log':
          this.opts.log(m.line);
          break;
        case 'reply': case 'stats': case 'closed': {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          p?.ok(m);
          break;
        }
        default:
          break;
      }
    });
    worker.on('error', (e) => this.opts.log(`the simulation thread failed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      for (const p of this.pending.values()) p.fail(new ClientError('internal', `the simulation thread stopped (exit code ${code})`));
      this.pending.clear();
      if (!this.closing) this.restart(code);
    });
  }

  /** The simulation thread died: start it again with the last scene (at most 3 times a minute). */
  private restart(code: number): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 60_000);
    this.restarts.push(now);
    const again = this.restarts.length <= 3;
    this.handlers.notice(`the simulation stopped (exit code ${code}); ${again ? 'it starts again' : 'it stopped 3 times in a minute: restart the server'}`);
    if (!again) return;
    spawn(this.scene, this.opts, undefined).then(({ worker, info }) => {
      if (this.closing) {
        void worker.terminate();
        return;
      }
      this.worker = worker;
      this.info = info;
      this.generation++;
      this.attach(worker);
      this.handlers.sceneChanged();
    }, (e: unknown) => this.opts.log(`the simulation could not start again: ${(e as Error).message}`));
  }
}

/** Starts a simulation thread and waits for it to be ready. */
function spawn(scene: LoadedScenario, opts: SimHostOptions, recordFile: string | undefined): Promise<{ worker: Worker; info: SceneInfo }> {
  const data: SimWorkerData = { scene, recordDir: opts.recordDir, recordFile, recordRate: opts.recordRate };
  const worker = new Worker(WORKER_ENTRY, { workerData: data });
  return new Promise((ok, fail) => {
    const onMessage = (m: FromSim) => {
      if (m.kind === 'ready') {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        ok({ worker, info: m.info });
      } else if (m.kind === 'failed') {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        void worker.terminate();
        fail(m.badScenario ? new ScenarioError(scene.file, [{ path: '', message: m.message }]) : new Error(m.message));
      } else if (m.kind === 'log') {
        opts.log(m.line);
      }
    };
    const onExit = (code: number) => fail(new Error(`the simulation thread exited (code ${code}) before it was ready`));
    worker.on('message', onMessage);
    worker.on('exit', onExit);
  });
}
