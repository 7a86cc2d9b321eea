// The replay viewer: opens a SteadySim MCAP recording (file input, a recording the server lists, or
// `?replay=<url>`), draws its scene, and at each tick of the timeline puts every robot at its recorded joint
// positions (forward kinematics of the spec's links, the same bundled model the simulator builds its bodies
// from) with the recorded tool tip from `/tf` as the green marker, and every free object at its recorded `/tf`
// pose; the events so far are listed beside it.
import * as THREE from 'three';
import type { SceneDescription } from '../protocol.ts';
import { byId, setText } from './dom.ts';
import { EndoscopeView } from './endoscope-view.ts';
import { LinkPoses } from './link-poses.ts';
import { readRecording, sampleAt, type BrowserRecording } from './mcap-recording.ts';
import { OrbitView } from './orbit-view.ts';
import type { PageParams } from './page-url.ts';
import { specFor } from './recorded-scene.ts';
import { fillRecordingsList } from './recordings-list.ts';
import { ReplayPlot } from './replay-plot.ts';
import { ReplayTimeline } from './replay-timeline.ts';
import { SceneRenderer } from './scene-renderer.ts';
import { ViewLayout } from './view-layout.ts';
import { WorldScene } from './world-scene.ts';

export interface ReplayDebug {
  readonly page: 'replay';
  readonly loaded: string | undefined;
  readonly tick: number;
  readonly firstTick: number;
  readonly lastTick: number;
  /** Per robot: the tool tip the viewer computed from the joints at this tick, and the one recorded in /tf. */
  tips(): Record<string, { fk: number[]; recorded: number[] | null }>;
  /** The drawn pose of each free object, [x,y,z,qx,qy,qz,qw]. */
  objectPoses(): Record<string, number[]>;
  readonly framesDrawn: number;
}

interface Drawn {
  readonly id: string;
  readonly fk: LinkPoses;
  /** Recorded joint index for each spec joint (−1: not recorded). */
  readonly order: number[];
  readonly poses: Float64Array;
  readonly q: Float64Array;
}

const MAX_EVENTS = 40;

export function startReplay(params: PageParams): ReplayDebug {
  byId('console-panel').hidden = true;
  byId('replay-panel').hidden = false;
  byId('hud-connection').textContent = 'replay';
  byId('hud-role').textContent = '';
  const endoscope = new EndoscopeView(byId<HTMLCanvasElement>('view-endoscope'));
  let renderer: SceneRenderer | undefined;
  const orbit = new OrbitView(byId<HTMLCanvasElement>('view-orbit'), () => renderer?.markDirty());
  renderer = new SceneRenderer(orbit, endoscope);
  new ViewLayout(renderer.markDirty);
  let rec: BrowserRecording | undefined;
  let scene: SceneDescription | undefined;
  let drawn: Drawn[] = [];
  let loaded: string | undefined;
  const timeline = new ReplayTimeline(() => rec?.dt ?? 0.001, (tick) => show(tick));
  const tipSum = new THREE.Vector3();
  const plot = new ReplayPlot(byId('replay-plot'), (t) => timeline.seek(t / (rec?.dt ?? 0.001)));

  function open(bytes: Uint8Array, name: string): void {
    timeline.pause();
    try {
      rec = readRecording(bytes);
      scene = rec.scene;
    } catch (e) {
      setText('replay-status', `${name}: ${(e as Error).message}`, 'bad');
      return;
    }
    renderer!.world?.dispose();
    const world = new WorldScene(scene);
    renderer!.world = world;
    orbit.frame(world.focus);
    endoscope.resetAim();
    drawn = scene.robots.map((r) => {
      const spec = specFor(r.type);
      const names = rec!.robots.get(r.id)?.joints ?? [];
      return {
        id: r.id,
        fk: new LinkPoses(spec, { p: r.base.p, q: r.base.q }),
        order: spec.joints.map((j) => names.indexOf(j.name)),
        poses: new Float64Array(7 * spec.links.length),
        q: Float64Array.from(spec.ready),
      };
    });
    loaded = name;
    setText('scene-name', `${scene.name} · replay of ${name}`);
    setText('replay-status', `${name}: ${scene.name}, seed ${rec.meta.seed}, ticks ${rec.firstTick}–${rec.lastTick} `
      + `(${(rec.lastTick * rec.dt).toFixed(2)} s), every ${rec.stateEvery} tick(s)${rec.complete ? '' : ', cut short'}`, 'ok');
    plot.load([...rec.robots.values()].find((t) => t.inputTicks.length > 0), rec.dt);
    timeline.load(rec.firstTick, rec.lastTick, rec.stateEvery);
  }

  function show(tick: number): void {
    if (!rec || !renderer!.world) return;
    const world = renderer!.world;
    tipSum.set(0, 0, 0);
    let tipCount = 0, ecm = false;
    const lines: string[] = [];
    for (const d of drawn) {
      const t = rec.robots.get(d.id);
      if (!t) continue;
      const i = sampleAt(t.ticks, tick);
      if (i < 0) continue;
      const rq = t.positions[i];
      d.order.forEach((k, j) => { if (k >= 0) d.q[j] = rq[k]; });
      d.fk.compute(d.q, d.poses);
      const model = world.robots.get(d.id)!;
      model.setLinkPoses(d.poses);
      if (model.desc.type === 'ecm') {
        endoscope.followEcm(d.fk.tipPose());
        ecm = true;
      } else {
        const ti = sampleAt(t.tipTicks, tick);
        const tip = ti >= 0 ? t.tips[ti] : d.fk.tipPosition();
        model.setTip(tip);
        tipSum.add(new THREE.Vector3(tip[0], tip[1], tip[2]));
        tipCount++;
      }
      lines.push(`${d.id}: ${Array.from(d.q, (v, j) => (specFor(model.desc.type).joints[j].type === 'prismatic' ? `${(v * 1000).toFixed(1)} mm` : `${((v * 180) / Math.PI).toFixed(1)}°`)).join(' ')}`);
    }
    if (!ecm && tipCount) endoscope.aimDefault(tipSum.divideScalar(tipCount));
    for (const o of rec.objects.values()) {
      const i = sampleAt(o.ticks, tick);
      if (i >= 0) world.setObjectPose(o.id, o.poses[i]);
    }
    setText('endoscope-label', ecm ? 'Endoscope view (ECM camera)' : 'Endoscope view (fixed: no ECM in this scene)');
    plot.show(tick * rec.dt);
    setText('replay-time', `tick ${tick} · t = ${(tick * rec.dt).toFixed(3)} s of ${(rec.lastTick * rec.dt).toFixed(3)} s`);
    const robotsEl = byId('replay-robots');
    robotsEl.replaceChildren(...lines.flatMap((l) => {
      const [id, rest] = [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)];
      const dt = document.createElement('dt'); dt.textContent = id;
      const dd = document.createElement('dd'); dd.textContent = rest;
      return [dt, dd];
    }));
    const upTo = rec.events.filter((e) => e.tick <= tick).slice(-MAX_EVENTS).reverse();
    byId('replay-events').replaceChildren(...upTo.map((e) => {
      const li = document.createElement('li');
      li.textContent = `${(e.tick * rec!.dt).toFixed(3)} s ${e.name}: ${e.message}`;
      if (e.level >= 4) li.className = 'bad';
      else if (e.level === 3) li.className = 'warn';
      return li;
    }));
    renderer!.markDirty();
  }

  async function openUrl(url: string, name = url): Promise<void> {
    setText('replay-status', `loading ${name}…`, '');
    try {
      const res = await fetch(url, { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      open(new Uint8Array(await res.arrayBuffer()), name);
    } catch (e) {
      setText('replay-status', `${name}: ${(e as Error).message}`, 'bad');
    }
  }

  byId<HTMLInputElement>('replay-file').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    setText('replay-status', `reading ${file.name}…`, '');
    open(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  void fillRecordingsList((url, name) => void openUrl(url, name));
  if (params.replayUrl) void openUrl(params.replayUrl);
  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.code === 'Space') {
      e.preventDefault();
      if (timeline.isPlaying) timeline.pause(); else timeline.start();
    } else if (e.code === 'ArrowRight' || e.code === 'ArrowLeft') {
      const step = (rec?.stateEvery ?? 1) * (e.shiftKey ? 100 : 1);
      timeline.seek(timeline.tick + (e.code === 'ArrowRight' ? step : -step));
    }
  });

  return {
    page: 'replay',
    get loaded() { return loaded; },
    get tick() { return timeline.tick; },
    get firstTick() { return rec?.firstTick ?? 0; },
    get lastTick() { return rec?.lastTick ?? 0; },
    tips() {
      const out: Record<string, { fk: number[]; recorded: number[] | null }> = {};
      for (const d of drawn) {
        const t = rec?.robots.get(d.id);
        const ti = t ? sampleAt(t.tipTicks, timeline.tick) : -1;
        out[d.id] = { fk: d.fk.tipPosition(), recorded: t && ti >= 0 ? [...t.tips[ti]] : null };
      }
      return out;
    },
    get framesDrawn() { return renderer!.frames; },
    objectPoses: () => renderer!.world?.objectPoses() ?? {},
  };
}
