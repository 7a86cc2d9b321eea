// The heads-up display: connection and role, the selected arm's teleoperation state, clutch, scale, tremor
// filter and safety (in the exoskeleton's scene: gait phase, strides, controller), the emergency stop, real-time factor and overruns, latency (now − state.sentAt, smoothed),
// simulated time, recording, and the faults and events as they come.
import type { StateMessage, WelcomeMessage } from '../protocol.ts';
import { byId, setText } from './dom.ts';
import { filterText } from './filter-text.ts';

const BAD_EVENTS = new Set(['watchdog', 'estop', 'non_finite', 'input_rejected', 'tracking_error', 'force_limit', 'safe_state', 'motor_fault']);
const MAX_EVENTS = 60;

export class Hud {
  private latencyMs = Number.NaN;
  private readonly faults = byId<HTMLOListElement>('hud-faults');

  connection(status: string, cls: 'ok' | 'bad' | '' = ''): void {
    const el = byId('hud-connection');
    el.textContent = status;
    el.className = `badge ${cls}`;
  }

  role(role: WelcomeMessage['role'] | undefined, inputRate?: number, maxGapMs?: number): void {
    const el = byId('hud-role');
    const rate = inputRate !== undefined ? ` · input ${Math.round(inputRate)} Hz${maxGapMs ? `, gaps ≤ ${Math.round(maxGapMs)} ms` : ''}` : '';
    el.textContent = role === 'operator' ? `operator${rate}` : role === 'viewer' ? 'viewer (watching)' : '';
    el.className = `badge ${role === 'operator' ? 'ok' : ''}`;
  }

  controller(c: WelcomeMessage['controllers'][string] | undefined): void {
    setText('hud-scale', c ? String(c.scale) : '–');
    setText('hud-filter', filterText(c?.tremor_filter));
  }

  state(s: StateMessage, robot: string | undefined): void {
    const r = s.robots.find((x) => x.id === robot) ?? s.robots[0];
    if (r) {
      setText('hud-teleop', r.teleop, r.teleop === 'ENABLED' ? 'ok' : r.teleop === 'ALIGNING' ? 'warn' : 'bad');
      setText('hud-clutch', r.clutched ? 'PRESSED' : 'released', r.clutched ? 'warn' : '');
    }
    const safe = r?.safe || s.exo?.safe;
    const safeText = s.estop ? 'EMERGENCY STOP (Reset, then Enable)' : safe ? `SAFE STATE: holding${s.exo ? '' : ' (Enable / Enter)'}` : 'normal';
    setText('hud-safe', safeText, s.estop || safe ? 'bad' : 'ok');
    if (s.exo) {
      const e = s.exo;
      setText('hud-exo-phase', e.walking ? `${Math.round(e.phase * 100)}% (left heel strike = 0)` : `standing (${Math.round(e.phase * 100)}%)`);
      setText('hud-exo-strides', `${e.strides} · belt ${e.beltSpeed.toFixed(2)} m/s`);
      setText('hud-exo-controller', `${e.controller}, guidance ${e.guidanceSetting.toFixed(2)}`);
    }
    setText('hud-rtf', `${s.realtimeFactor.toFixed(2)}${s.overruns ? ` · ${s.overruns} overruns` : ''}`, s.realtimeFactor < 0.95 ? 'warn' : '');
    const lat = Date.now() - s.sentAt;
    this.latencyMs = Number.isNaN(this.latencyMs) ? lat : this.latencyMs + 0.1 * (lat - this.latencyMs);
    setText('hud-latency', `${Math.max(0, this.latencyMs).toFixed(1)} ms`, this.latencyMs > 50 ? 'warn' : '');
    setText('hud-time', `${s.t.toFixed(2)} s (tick ${s.tick})`);
    setText('hud-recording', s.recording ? '● recording' : 'off', s.recording ? 'bad' : '');
    for (const e of s.events) this.event(`${e.t.toFixed(3)} s ${e.robot ?? 'all'} ${e.kind}: ${e.detail}`, BAD_EVENTS.has(e.kind) ? 'bad' : '');
  }

  /** A new scene: the events of the last one no longer apply (their times restart at 0). */
  scene(name: string): void {
    this.faults.replaceChildren();
    this.event(`scene ${name}`);
  }

  /** A line in the faults and events list (newest first). */
  event(text: string, cls: 'bad' | 'warn' | '' = ''): void {
    const li = document.createElement('li');
    li.textContent = text;
    if (cls) li.className = cls;
    this.faults.prepend(li);
    while (this.faults.children.length > MAX_EVENTS) this.faults.lastElementChild?.remove();
  }
}
