// The exoskeleton's plots (uPlot): hip and knee angle over the gait cycle, left and right, over the normative band;
// assistance (guidance) per drive and interaction torque per drive over the last 20 s.
//
// The gait plots are binned by phase (1% bins, 0 … 100% from the leg's heel strike): each bin holds the latest
// angle measured in it, so the line is the last stride, rewritten as the present one goes. The right leg's phase
// is the left's plus half a cycle (the reference's). The band is the normative curve (the server's table, every
// 5%, linearly interpolated between samples) ± 5°: the tables carry no spread, and 5° is about one inter-subject
// standard deviation of hip and knee angles in Winter's normal-cadence data.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ExoDescription, ExoState } from '../protocol.ts';
import { REDRAW_MS, slideWindow } from './plot-window.ts';

const BAND_DEG = 5;
const BINS = 100;
const WINDOW_S = 20;
const TO_DEG = 180 / Math.PI;
const SIDE_COLORS = ['#4ea1ff', '#ff8a5b'];
const DRIVE_COLORS = ['#4ea1ff', '#3fd0c9', '#ff8a5b', '#f3c244', '#b083ff', '#ff8ad8'];

const axes = (size = 40): uPlot.Axis[] => [
  { stroke: '#8b97a5', grid: { stroke: '#2a313a' }, ticks: { stroke: '#2a313a' } },
  { stroke: '#8b97a5', grid: { stroke: '#2a313a' }, ticks: { stroke: '#2a313a' }, size },
];

/** One joint's cycle plot: band low/high, normative mean, left and right (latest stride). */
class CyclePlot {
  readonly plot: uPlot;
  readonly data: (number | null)[][];

  constructor(el: HTMLElement, width: number, table: readonly number[], step: number) {
    const x = Array.from({ length: BINS + 1 }, (_, i) => i);
    const mean = x.map((p) => interpolate(table, step, p / BINS));
    this.data = [x, mean.map((m) => m - BAND_DEG), mean.map((m) => m + BAND_DEG), mean, x.map(() => null), x.map(() => null)];
    const series: uPlot.Series[] = [
      { label: '% cycle' },
      { label: `−${BAND_DEG}°`, stroke: 'rgba(140,160,180,0.35)', width: 1, points: { show: false } },
      { label: `+${BAND_DEG}°`, stroke: 'rgba(140,160,180,0.35)', width: 1, points: { show: false } },
      { label: 'normative', stroke: '#8b97a5', width: 1, dash: [4, 4], points: { show: false } },
      { label: 'left', stroke: SIDE_COLORS[0], width: 2, spanGaps: true, points: { show: false } },
      { label: 'right', stroke: SIDE_COLORS[1], width: 2, spanGaps: true, points: { show: false } },
    ];
    this.plot = new uPlot({
      width, height: 150, series, axes: axes(), legend: { live: false },
      scales: { x: { time: false, range: [0, 100] } },
      bands: [{ series: [2, 1], fill: 'rgba(140,160,180,0.18)' }],
    }, this.data as uPlot.AlignedData, el);
  }

  private readonly lastBin = [-1, -1];

  /** The angle (deg) of one side at its phase (0 … 1). */
  put(side: number, phase: number, deg: number): void {
    const bin = Math.min(BINS - 1, Math.floor(phase * BINS));
    const s = this.data[4 + side];
    // Bins the samples stepped over hold an older stride: empty them (the line spans the gap) so none shows.
    const last = this.lastBin[side];
    if (last >= 0 && last !== bin) for (let b = (last + 1) % BINS; b !== bin; b = (b + 1) % BINS) s[b] = null;
    this.lastBin[side] = bin;
    s[bin] = deg;
    s[BINS] = s[0]; // the cycle closes on itself
  }
}

export class GaitPlots {
  private hip: CyclePlot | undefined;
  private knee: CyclePlot | undefined;
  private assist: uPlot | undefined;
  private torque: uPlot | undefined;
  private assistData: number[][] = [];
  private torqueData: number[][] = [];
  private lastDraw = 0;
  /** Samples put into the cycle plots (for the tests and `window.steadysim`). */
  samples = 0;

  constructor(private readonly hipEl: HTMLElement, private readonly kneeEl: HTMLElement, private readonly assistEl: HTMLElement, private readonly torqueEl: HTMLElement) {}

  reset(exo: ExoDescription | undefined): void {
    for (const p of [this.hip?.plot, this.knee?.plot, this.assist, this.torque]) p?.destroy();
    this.hip = this.knee = undefined;
    this.assist = this.torque = undefined;
    this.samples = 0;
    if (!exo) return;
    const width = Math.max(200, this.hipEl.clientWidth || 340);
    this.hip = new CyclePlot(this.hipEl, width, exo.normative.hip_deg, exo.normative.step);
    this.knee = new CyclePlot(this.kneeEl, width, exo.normative.knee_deg, exo.normative.step);
    const perDrive = (): uPlot.Series[] => [{ label: 't s' }, ...exo.drives.map((d, i) => ({ label: d.name.replace('_', ' '), stroke: DRIVE_COLORS[i % DRIVE_COLORS.length], width: 1.5, points: { show: false } }))];
    const a = perDrive();
    this.assistData = a.map(() => []);
    this.assist = new uPlot({ width, height: 130, series: a, axes: axes(), legend: { live: false }, scales: { x: { time: false }, y: { range: [0, 105] } } }, this.assistData as uPlot.AlignedData, this.assistEl);
    const q = perDrive();
    this.torqueData = q.map(() => []);
    this.torque = new uPlot({ width, height: 130, series: q, axes: axes(), legend: { live: false }, scales: { x: { time: false } } }, this.torqueData as uPlot.AlignedData, this.torqueEl);
  }

  push(t: number, s: ExoState): void {
    if (!this.hip || !this.knee || !this.assist || !this.torque) return;
    if (s.walking) {
      for (let side = 0; side < 2; side++) {
        const ph = side === 0 ? s.phase : (s.phase + 0.5) % 1;
        this.hip.put(side, ph, s.limbQ[3 * side] * TO_DEG);
        this.knee.put(side, ph, s.limbQ[3 * side + 1] * TO_DEG);
      }
      this.samples++;
    }
    const a = this.assistData, q = this.torqueData;
    a[0].push(t);
    q[0].push(t);
    for (let j = 1; j < a.length; j++) a[j].push((s.guidance[j - 1] ?? 0) * 100);
    for (let j = 1; j < q.length; j++) q[j].push(s.interactionTorque[j - 1] ?? 0);
    slideWindow(a, t, WINDOW_S);
    slideWindow(q, t, WINDOW_S);
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.hip.plot.setData(this.hip.data as uPlot.AlignedData);
    this.knee.plot.setData(this.knee.data as uPlot.AlignedData);
    this.assist.setData(a as uPlot.AlignedData);
    this.torque.setData(q as uPlot.AlignedData);
  }
}

/** The table (samples every `step` of the cycle, closing on itself) at phase p, linearly between samples. */
function interpolate(table: readonly number[], step: number, p: number): number {
  const u = p / step, n = table.length;
  const i = Math.floor(u), f = u - i;
  return table[i % n] * (1 - f) + table[(i + 1) % n] * f;
}
