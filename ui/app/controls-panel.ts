// The console's controls, each sending one `command` (protocol.ts) and showing its ack or error:
// the emergency stop (#estop, one click, no confirmation), reset, enable, scale, tremor filter kind and
// parameters, start/stop recording, loading a library scene, and the arm selector; in the exoskeleton's scene its
// controller kind and guidance (sent when changed). Viewers see them greyed out.
import type { CommandMessage, ExoState, ServerMessage, WelcomeMessage } from '../protocol.ts';
import { EXO_CONTROLLER_TYPES, type ExoControlType } from '../../controller/exo/exo-frame.ts';
import { byId, setText } from './dom.ts';
import type { TremorFilter } from './filter-text.ts';

type Command = CommandMessage['command'];

export interface ControlsHost {
  send(m: CommandMessage): boolean;
  selected(): string | undefined;
  select(id: string): void;
  /** A controller setting was acknowledged (to update the display). */
  changed(robot: string, c: WelcomeMessage['controllers'][string]): void;
}

export class ControlsPanel {
  private nextId = 1;
  private readonly pending = new Map<number, { text: string; apply?: () => void }>();
  private controllers: WelcomeMessage['controllers'] = {};
  private recording = false;
  private readonly robotSelect = byId<HTMLSelectElement>('robot-select');
  private readonly kind = byId<HTMLSelectElement>('filter-kind');
  private readonly exoController = byId<HTMLSelectElement>('exo-controller');
  private readonly exoGuidance = byId<HTMLInputElement>('exo-guidance');
  /** The exoskeleton's id in this scene. */
  private exo: string | undefined;
  private shownExo = '';

  constructor(private readonly host: ControlsHost) {
    byId('estop').addEventListener('click', () => this.command({ name: 'estop' }, 'emergency stop'));
    byId('reset').addEventListener('click', () => this.command({ name: 'reset' }, 'reset'));
    byId('enable').addEventListener('click', () => this.enable());
    byId('record-toggle').addEventListener('click', () => {
      this.command(this.recording ? { name: 'stop_recording' } : { name: 'start_recording' }, this.recording ? 'stop recording' : 'start recording');
    });
    byId('scale-apply').addEventListener('click', () => this.setScale());
    byId('scene-load').addEventListener('click', () => {
      const scenario = byId<HTMLInputElement>('scene-input').value.trim();
      if (scenario) this.command({ name: 'load_scenario', scenario }, `load ${scenario}`);
    });
    byId('filter-apply').addEventListener('click', () => this.setFilter());
    this.kind.addEventListener('change', () => { byId('filter-kind').closest('fieldset')!.dataset.kind = this.kind.value; });
    this.robotSelect.addEventListener('change', () => this.host.select(this.robotSelect.value));
    this.exoController.addEventListener('change', () => {
      const controller = this.exoController.value as ExoControlType;
      if (this.exo && (EXO_CONTROLLER_TYPES as readonly string[]).includes(controller)) this.command({ name: 'set', robot: this.exo, controller }, `controller ${controller}`);
    });
    this.exoGuidance.addEventListener('input', () => setText('exo-guidance-value', Number(this.exoGuidance.value).toFixed(2)));
    this.exoGuidance.addEventListener('change', () => {
      const guidance = Number(this.exoGuidance.value);
      if (this.exo) this.command({ name: 'set', robot: this.exo, guidance }, `guidance ${guidance.toFixed(2)}`);
    });
  }

  /** Shows the exoskeleton's controller and guidance as the server reports them (unless the operator is at them). */
  showExo(s: ExoState): void {
    const key = `${s.controller} ${s.guidanceSetting}`;
    if (key === this.shownExo) return;
    this.shownExo = key;
    if (document.activeElement !== this.exoController) this.exoController.value = s.controller;
    if (document.activeElement !== this.exoGuidance) {
      this.exoGuidance.value = String(s.guidanceSetting);
      setText('exo-guidance-value', s.guidanceSetting.toFixed(2));
    }
  }

  welcome(w: WelcomeMessage): void {
    this.controllers = structuredClone(w.controllers);
    this.exo = w.scene.exo?.id;
    this.shownExo = '';
    const live = new Set(w.inputRobots ?? []);
    this.robotSelect.replaceChildren(...w.scene.robots.filter((r) => r.type === 'psm').map((r) => new Option(`${r.id}${live.has(r.id) ? '' : ' (scripted)'}`, r.id)));
    const operator = w.role === 'operator';
    document.body.classList.toggle('viewer', !operator);
    for (const el of Array.from(byId('controls').querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>('button, input, select'))) el.disabled = !operator;
  }

  /** Shows the settings of the arm now selected. */
  showRobot(id: string | undefined): void {
    if (id && this.robotSelect.value !== id) this.robotSelect.value = id;
    const c = id ? this.controllers[id] : undefined;
    if (!c) return;
    byId<HTMLInputElement>('scale').value = String(c.scale);
    const f = c.tremor_filter;
    this.kind.value = f.type;
    byId('filter-kind').closest('fieldset')!.dataset.kind = f.type;
    if (f.type === 'lowpass') {
      byId<HTMLInputElement>('filter-cutoff').value = String(f.cutoff_hz);
      byId<HTMLSelectElement>('filter-order').value = String(f.order);
    } else if (f.type === 'adaptive') {
      if (f.band_hz) {
        byId<HTMLInputElement>('filter-band-low').value = String(f.band_hz[0]);
        byId<HTMLInputElement>('filter-band-high').value = String(f.band_hz[1]);
      }
      if (f.mu !== undefined) byId<HTMLInputElement>('filter-mu').value = String(f.mu);
    }
  }

  controller(id: string | undefined): WelcomeMessage['controllers'][string] | undefined {
    return id ? this.controllers[id] : undefined;
  }

  setRecording(on: boolean): void {
    this.recording = on;
    const b = byId('record-toggle');
    const text = on ? 'Stop recording' : 'Start recording';
    if (b.textContent !== text) b.textContent = text;
  }

  enable(): void {
    const robot = this.exo ?? this.host.selected();
    if (robot) this.command({ name: 'enable', robot }, `enable ${robot}`);
  }

  /** Handles `ack` and `error` replies to our commands. */
  reply(m: ServerMessage): void {
    if (m.type !== 'ack' && m.type !== 'error') return;
    if (m.type === 'error' && m.id === undefined) return; // not about a command (the HUD lists it)
    const p = m.id !== undefined ? this.pending.get(m.id) : undefined;
    if (m.id !== undefined) this.pending.delete(m.id);
    if (m.type === 'ack') {
      p?.apply?.();
      setText('command-status', `${p?.text ?? 'command'}: ${m.detail || 'ok'}`, 'ok');
    } else {
      setText('command-status', `${p?.text ?? 'error'}: ${m.code}: ${m.message}`, 'bad');
    }
  }

  private command(command: Command, text: string, apply?: () => void): void {
    const id = this.nextId++;
    this.pending.set(id, { text, apply });
    if (!this.host.send({ type: 'command', id, command })) setText('command-status', `${text}: not connected`, 'bad');
    else setText('command-status', `${text}…`, '');
  }

  private setScale(): void {
    const robot = this.host.selected();
    const scale = Number(byId<HTMLInputElement>('scale').value);
    if (!robot) return;
    if (!(scale > 0 && scale <= 10)) {
      setText('command-status', 'scale: a number in (0, 10]', 'bad');
      return;
    }
    this.command({ name: 'set', robot, scale }, `scale ${scale}`, () => this.update(robot, { scale }));
  }

  private setFilter(): void {
    const robot = this.host.selected();
    if (!robot) return;
    const num = (id: string) => Number(byId<HTMLInputElement>(id).value);
    let f: TremorFilter;
    if (this.kind.value === 'lowpass') {
      f = { type: 'lowpass', cutoff_hz: num('filter-cutoff'), order: Number(byId<HTMLSelectElement>('filter-order').value) as 1 | 2 | 3 | 4 };
    } else if (this.kind.value === 'adaptive') {
      f = { type: 'adaptive', band_hz: [num('filter-band-low'), num('filter-band-high')], mu: num('filter-mu') };
    } else {
      f = { type: 'none' };
    }
    this.command({ name: 'set', robot, tremor_filter: f }, `tremor filter ${f.type}`, () => this.update(robot, { tremor_filter: f }));
  }

  private update(robot: string, change: Partial<WelcomeMessage['controllers'][string]>): void {
    const c = this.controllers[robot];
    if (!c) return;
    Object.assign(c, change);
    this.host.changed(robot, c);
  }
}
