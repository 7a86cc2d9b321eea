// The page's side of the link worker (link-worker.ts): the same role as a WebSocket client — send messages,
// receive the server's — plus what the worker needs to produce the operator input on its own timer.
import type * as THREE from 'three';
import type { ClientMessage, ServerMessage } from '../protocol.ts';
import { sameRates, type DeviceRates, type Nudge } from './hand-motion.ts';
import type { FromWorker, ToWorker, Vec3 } from './link-messages.ts';
import type { TremorSettings } from './tremor-simulator.ts';

export interface LinkHandlers {
  message(m: ServerMessage): void;
  status(s: 'connecting' | 'open' | 'closed', detail?: string): void;
}

export class LiveLink {
  private readonly worker: Worker;
  private rates: DeviceRates | undefined;
  private axes = '';
  private open = false;
  inputRate = 0;
  inputsSent = 0;
  inputMaxGapMs = 0;

  constructor(url: string, token: string | undefined, on: LinkHandlers) {
    this.worker = new Worker(new URL('./link-worker.ts', import.meta.url), { type: 'module', name: 'steadysim-link' });
    this.worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.kind === 'message') on.message(m.message);
      else if (m.kind === 'status') {
        this.open = m.status === 'open';
        on.status(m.status, m.detail);
      } else {
        this.inputRate = m.inputRate;
        this.inputsSent = m.inputsSent;
        this.inputMaxGapMs = m.maxGapMs;
      }
    });
    this.worker.addEventListener('error', (e) => on.status('closed', `link worker failed: ${e.message}`));
    this.post({ kind: 'connect', url, token });
  }

  /** False when the connection is not open (the message is dropped). */
  send(message: ClientMessage): boolean {
    if (!this.open) return false;
    this.post({ kind: 'send', message });
    return true;
  }

  setRates(r: DeviceRates): void {
    if (this.rates && sameRates(this.rates, r)) return;
    this.rates = r;
    this.post({ kind: 'rates', rates: r });
  }

  nudge(n: Nudge): void {
    this.post({ kind: 'nudge', nudge: n });
  }

  setAxes(right: THREE.Vector3, up: THREE.Vector3, back: THREE.Vector3): void {
    const r: Vec3 = [right.x, right.y, right.z], u: Vec3 = [up.x, up.y, up.z], b: Vec3 = [back.x, back.y, back.z];
    const key = JSON.stringify([r, u, b]);
    if (key === this.axes) return;
    this.axes = key;
    this.post({ kind: 'axes', right: r, up: u, back: b });
  }

  select(robot: string): void {
    this.post({ kind: 'select', robot });
  }

  setTremor(settings: TremorSettings): void {
    this.post({ kind: 'tremor', settings });
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}
