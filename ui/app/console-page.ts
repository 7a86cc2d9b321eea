// The live surgeon console: connects to the server (through the link worker), draws the scene of its
// `welcome`, moves the links and the free objects at every `state`, and — with the operator token — hands
// keyboard, mouse and gamepad motion to the worker, which sends the `input` at 250 Hz.
import * as THREE from 'three';
import type { StateMessage, WelcomeMessage } from '../protocol.ts';
import { ControlsPanel } from './controls-panel.ts';
import { byId, setText } from './dom.ts';
import { EndoscopeView } from './endoscope-view.ts';
import { GamepadInput } from './gamepad-input.ts';
import { GaitPlots } from './gait-plots.ts';
import { zeroRates } from './hand-motion.ts';
import { Hud } from './hud.ts';
import { KeyboardInput } from './keyboard-input.ts';
import { LiveLink } from './live-link.ts';
import { LivePlots } from './live-plots.ts';
import { MouseInput } from './mouse-input.ts';
import { OrbitView } from './orbit-view.ts';
import type { PageParams } from './page-url.ts';
import { SceneRenderer } from './scene-renderer.ts';
import { ViewLayout } from './view-layout.ts';
import { WorldScene } from './world-scene.ts';

/** What the page exposes on `window.steadysim` (for scripts and the browser tests). */
export interface ConsoleDebug {
  readonly page: 'console';
  readonly welcome: WelcomeMessage | undefined;
  readonly lastState: StateMessage | undefined;
  readonly selected: string | undefined;
  readonly framesDrawn: number;
  /** Input messages per second the page sends (0 for a viewer), and in all. */
  readonly inputRate: number;
  readonly inputsSent: number;
  /** Longest gap between two input periods over the last second, ms. */
  readonly inputMaxGapMs: number;
  readonly drawMs: number;
  /** In the exoskeleton's scene: samples in the gait plots, and the drawn pose of each segment [x,y,z,qx,qy,qz,qw]. */
  readonly exo: { readonly gaitSamples: number; segmentPoses(): Record<string, number[]> } | undefined;
  /** The drawn pose of each free object, [x,y,z,qx,qy,qz,qw]. */
  objectPoses(): Record<string, number[]>;
}

const DEVICE_POLL_MS = 16;

export function startConsole(params: PageParams): ConsoleDebug {
  const hud = new Hud();
  const endoscope = new EndoscopeView(byId<HTMLCanvasElement>('view-endoscope'));
  let renderer: SceneRenderer | undefined;
  const orbit = new OrbitView(byId<HTMLCanvasElement>('view-orbit'), () => renderer?.markDirty());
  renderer = new SceneRenderer(orbit, endoscope);
  const layout = new ViewLayout(renderer.markDirty);
  const plots = new LivePlots(byId('plot-hand'), byId('plot-tracking'));
  const gaitPlots = new GaitPlots(byId('plot-exo-hip'), byId('plot-exo-knee'), byId('plot-exo-assist'), byId('plot-exo-torque'));
  let welcome: WelcomeMessage | undefined;
  let lastState: StateMessage | undefined;
  let selected: string | undefined;
  const tips = new THREE.Vector3();
  const right = new THREE.Vector3(), up = new THREE.Vector3(), back = new THREE.Vector3();
  const isOperator = () => welcome?.role === 'operator';

  const link = new LiveLink(params.wsUrl, params.token, {
    status: (st, detail) => {
      hud.connection(st === 'open' ? 'connected' : st === 'connecting' ? 'connecting…' : `disconnected${detail ? ` (${detail})` : ''}`, st === 'open' ? 'ok' : st === 'closed' ? 'bad' : '');
    },
    message: (m) => {
      if (m.type === 'welcome') onWelcome(m);
      else if (m.type === 'state') onState(m);
      else {
        controls.reply(m);
        if (m.type === 'error' && m.id === undefined) hud.event(`server: ${m.code}: ${m.message}`, 'bad');
      }
    },
  });

  const select = (id: string | undefined) => {
    if (!welcome || !id || !welcome.scene.robots.some((r) => r.id === id && r.type === 'psm')) return;
    selected = id;
    link.select(id);
    controls.showRobot(id);
    hud.controller(controls.controller(id));
    plots.reset(welcome.scene.robots.find((r) => r.id === id));
  };

  const controls = new ControlsPanel({
    send: (m) => link.send(m),
    selected: () => selected,
    select,
    changed: (robot, c) => { if (robot === selected) hud.controller(c); },
  });

  // Devices: the keyboard and the gamepad give rates (sent when they change), the mouse nudges.
  const pushRates = () => {
    const r = zeroRates();
    if (isOperator()) {
      keyboard.rates(r);
      gamepad.rates(r);
    }
    link.setRates(r);
  };
  const keyboard = new KeyboardInput(window, (a) => {
    if (a.kind === 'views') layout.next();
    else if (!isOperator()) return;
    else if (a.kind === 'enable') controls.enable();
    else if (a.kind === 'select') select(welcome!.scene.robots.filter((r) => r.type === 'psm')[a.index]?.id);
  }, pushRates);
  const gamepad = new GamepadInput(() => { if (isOperator()) controls.enable(); });
  setInterval(pushRates, DEVICE_POLL_MS);
  new MouseInput(byId('view-endoscope'), (n) => { if (isOperator()) link.nudge(n); });
  const tremorFields = ['tremor-sim', 'tremor-freq', 'tremor-amp'].map((id) => byId<HTMLInputElement>(id));
  const pushTremor = () => link.setTremor({ on: tremorFields[0].checked, frequencyHz: Number(tremorFields[1].value), amplitudeMm: Number(tremorFields[2].value) });
  for (const f of tremorFields) f.addEventListener('change', pushTremor);

  const onWelcome = (w: WelcomeMessage) => {
    // Whether the last scene was the exoskeleton's (to give the arms both views back after it).
    const wasExo = welcome?.scene.exo !== undefined;
    welcome = w;
    setText('scene-name', `${w.scene.name} · dt ${w.scene.dt * 1000} ms`);
    renderer!.world?.dispose();
    const world = new WorldScene(w.scene);
    renderer!.world = world;
    orbit.frame(world.focus, world.viewScale);
    // The exoskeleton's scene has no endoscope: its status, controls and plots replace the arms'.
    document.body.classList.toggle('exo', w.scene.exo !== undefined);
    if (w.scene.exo) layout.set('orbit');
    else if (wasExo) layout.set('both');
    gaitPlots.reset(w.scene.exo);
    endoscope.resetAim();
    controls.welcome(w);
    const psms = w.scene.robots.filter((r) => r.type === 'psm');
    select(psms.some((r) => r.id === selected) ? selected : psms[0]?.id);
    hud.controller(controls.controller(selected));
    hud.scene(w.scene.name);
    if (params.token && w.role !== 'operator') hud.event('the server did not accept the token: watching only', 'bad');
    hud.role(w.role);
    pushTremor();
    renderer!.markDirty();
  };

  const onState = (s: StateMessage) => {
    lastState = s;
    const world = renderer!.world;
    if (!world) return;
    let ecm = false, n = 0;
    tips.set(0, 0, 0);
    for (const r of s.robots) {
      world.applyRobotState(r, r.id === selected);
      if (world.robots.get(r.id)?.desc.type === 'ecm' && r.tip.length >= 7) {
        endoscope.followEcm(r.tip);
        ecm = true;
      } else if (r.tip.length >= 3) {
        tips.add(new THREE.Vector3(r.tip[0], r.tip[1], r.tip[2]));
        n++;
      }
      if (r.id === selected) plots.push(s.t, r);
    }
    if (!ecm && n > 0) endoscope.aimDefault(tips.divideScalar(n));
    for (const o of s.objects) world.setObjectPose(o.id, o.pose);
    if (s.exo) {
      world.exo?.setState(s.exo);
      gaitPlots.push(s.t, s.exo);
      controls.showExo(s.exo);
    }
    endoscope.axes(right, up, back);
    link.setAxes(right, up, back);
    setText('endoscope-label', ecm ? 'Endoscope view (ECM camera)' : 'Endoscope view (fixed: no ECM in this scene)');
    hud.state(s, selected);
    controls.setRecording(s.recording);
    if (isOperator()) hud.role('operator', link.inputRate, link.inputMaxGapMs);
    renderer!.markDirty();
  };

  return {
    page: 'console',
    get welcome() { return welcome; },
    get lastState() { return lastState; },
    get selected() { return selected; },
    get framesDrawn() { return renderer!.frames; },
    get inputRate() { return link.inputRate; },
    get inputsSent() { return link.inputsSent; },
    get inputMaxGapMs() { return link.inputMaxGapMs; },
    get drawMs() { return renderer!.drawMs; },
    get exo() {
      const model = renderer!.world?.exo;
      return model ? {
        gaitSamples: gaitPlots.samples,
        segmentPoses: () => Object.fromEntries(model.segments.map((g) => [g.name.replace(/^exo\//, ''), [...g.position.toArray(), ...g.quaternion.toArray()]])),
      } : undefined;
    },
    objectPoses: () => renderer!.world?.objectPoses() ?? {},
  };
}
