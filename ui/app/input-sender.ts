// The operator's input at a steady 250 Hz (the server's watchdog trips after 30 ms without input). Each period
// it integrates the devices' rates and nudges into the selected arm's hand, in the endoscope view's frame,
// and sends one `input` message per arm that takes live input (the others hold still, unclutched). It runs in
// the link worker, so the page's rendering never delays it.
// Presence (`enable`): when an arm's input starts, the page first says the operator is absent for 0.6 s of
// simulated time, then present. The server's tremor filter has run on the new hand pose by then (the adaptive
// canceller needs ~0.5 s to settle after the jump from whatever pose it held before), so when the server enables
// following on `enable: true` it captures a settled pose and the instrument does not jump.
import * as THREE from 'three';
import type { InputMessage, StateMessage } from '../protocol.ts';
import { zeroNudge, zeroRates, type DeviceRates, type Nudge } from './hand-motion.ts';
import { HandPose } from './hand-pose.ts';
import { addTremor, type TremorSettings } from './tremor-simulator.ts';

export const INPUT_RATE_HZ = 250;
/** Simulated time an arm's input runs with `enable: false` before `enable: true`, s. */
export const SETTLE_S = 0.6;

export class InputSender {
  readonly hands = new Map<string, HandPose>();
  selected: string | undefined;
  rates: DeviceRates = zeroRates();
  tremor: TremorSettings = { on: false, frequencyHz: 9, amplitudeMm: 1 };
  readonly right = new THREE.Vector3(1, 0, 0);
  readonly up = new THREE.Vector3(0, 0, 1);
  readonly back = new THREE.Vector3(0, -1, 0);
  /** Messages sent in the last second, and in all. */
  rate = 0;
  sent = 0;
  /** Longest time between two input periods over the last second, ms (a stalled worker shows here). */
  maxGapMs = 0;
  private gap = 0;
  private readonly nudge: Nudge = zeroNudge();
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = 0;
  private count = 0;
  /** Simulated time of the last state (s). */
  private simTime = 0;
  private countStart = 0;
  private readonly t0 = performance.now();
  private readonly move: [number, number, number] = [0, 0, 0];
  private readonly rotate: [number, number, number] = [0, 0, 0];

  constructor(private readonly send: (m: InputMessage) => boolean) {}

  /** The arms to drive: new hands, aligned to the instruments by the next state. */
  setRobots(robots: readonly { id: string; base: { q: readonly number[] } }[]): void {
    this.hands.clear();
    for (const r of robots) this.hands.set(r.id, new HandPose(r.base));
    if (!this.selected || !this.hands.has(this.selected)) this.selected = robots[0]?.id;
  }

  addNudge(n: Nudge): void {
    for (let i = 0; i < 3; i++) {
      this.nudge.move[i] += n.move[i];
      this.nudge.rotate[i] += n.rotate[i];
    }
    this.nudge.grip += n.grip;
  }

  /** Keeps each hand's orientation at its instrument's while that arm is not following. */
  state(s: StateMessage): void {
    this.simTime = s.t;
    for (const r of s.robots) {
      const h = this.hands.get(r.id);
      if (h && (!h.aligned || r.teleop !== 'ENABLED' || r.clutched)) h.alignTo(r.tip);
    }
  }

  start(): void {
    if (this.timer) return;
    this.last = this.countStart = performance.now();
    for (const h of this.hands.values()) h.startedAt = undefined;
    this.timer = setInterval(() => this.step(), 1000 / INPUT_RATE_HZ);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.rate = 0;
  }

  private step(): void {
    const now = performance.now();
    const dt = Math.min(0.1, (now - this.last) / 1000);
    this.gap = Math.max(this.gap, now - this.last);
    this.last = now;
    const hand = this.selected ? this.hands.get(this.selected) : undefined;
    const r = this.rates, n = this.nudge;
    if (hand) {
      for (let i = 0; i < 3; i++) {
        this.move[i] = r.move[i] * dt + n.move[i];
        this.rotate[i] = r.rotate[i] * dt + n.rotate[i];
      }
      hand.apply(this.move, this.rotate, r.grip * dt + n.grip, this.right, this.up, this.back);
    }
    n.move.fill(0);
    n.rotate.fill(0);
    n.grip = 0;
    const tSec = (now - this.t0) / 1000;
    const ts = Math.round(now * 1000) / 1000;
    for (const [id, h] of this.hands) {
      if (!h.aligned) continue; // nothing until the first state says where the instrument points
      const p: [number, number, number] = [h.p.x, h.p.y, h.p.z];
      if (id === this.selected) addTremor(p, tSec, this.tremor);
      const clutch = id === this.selected && r.clutch;
      // enable: the operator is present (the dVRK head sensor); the server enables teleoperation when it hears
      // the change to true. After a fault the arm still needs an explicit `enable` command (Enter, the button).
      h.startedAt ??= this.simTime;
      const enable = this.simTime - h.startedAt >= SETTLE_S;
      // ts: the server times the sample by it, not by when it got round to reading it (a starved server reads in bursts).
      if (this.send({ type: 'input', robot: id, p, q: [h.q.x, h.q.y, h.q.z, h.q.w], grip: h.grip, clutch, enable, ts })) {
        this.count++;
        this.sent++;
      }
    }
    if (now - this.countStart >= 1000) {
      this.rate = (this.count * 1000) / (now - this.countStart);
      this.maxGapMs = this.gap;
      this.gap = 0;
      this.count = 0;
      this.countStart = now;
    }
  }
}
