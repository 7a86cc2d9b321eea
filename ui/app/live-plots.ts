// Live plots (uPlot) of the selected arm over the last 10 s: the hand position as it arrived (raw, thin) and
// after the tremor filter (thick), per axis, in mm from where the plot started, so the tremor removal shows;
// and the joint tracking errors |q* − q| (revolute joints in degrees, the insertion in mm).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RobotDescription, RobotState } from '../protocol.ts';
import { REDRAW_MS, slideWindow } from './plot-window.ts';

const WINDOW_S = 10;
const AXIS_COLORS = ['#ff6b6b', '#54d17a', '#4ea1ff'];
const JOINT_COLORS = ['#ff6b6b', '#f3c244', '#54d17a', '#3fd0c9', '#4ea1ff', '#b083ff', '#ff8ad8', '#cccccc'];

export class LivePlots {
  private hand: uPlot | undefined;
  private track: uPlot | undefined;
  private handData: number[][] = [];
  private trackData: number[][] = [];
  private origin: number[] | undefined;
  private prismatic: boolean[] = [];
  private lastDraw = 0;

  constructor(private readonly handEl: HTMLElement, private readonly trackEl: HTMLElement) {}

  /** Starts empty plots for an arm. */
  reset(robot: RobotDescription | undefined): void {
    this.hand?.destroy();
    this.track?.destroy();
    this.origin = undefined;
    if (!robot) return;
    const width = Math.max(200, this.handEl.clientWidth || 340);
    const axes: uPlot.Axis[] = [{ stroke: '#8b97a5', grid: { stroke: '#2a313a' }, ticks: { stroke: '#2a313a' } }, { stroke: '#8b97a5', grid: { stroke: '#2a313a' }, ticks: { stroke: '#2a313a' }, size: 44 }];
    const handSeries: uPlot.Series[] = [{ label: 't s' }];
    ['x', 'y', 'z'].forEach((a, i) => handSeries.push({ label: `${a} raw`, stroke: AXIS_COLORS[i], width: 1, points: { show: false } }));
    ['x', 'y', 'z'].forEach((a, i) => handSeries.push({ label: `${a} filt.`, stroke: AXIS_COLORS[i], width: 2.5, points: { show: false } }));
    this.handData = handSeries.map(() => []);
    this.hand = new uPlot({ width, height: 170, series: handSeries, axes, scales: { x: { time: false } }, legend: { live: false } }, this.handData as uPlot.AlignedData, this.handEl);
    this.prismatic = robot.joints.map((j) => j.type === 'prismatic');
    const trackSeries: uPlot.Series[] = [{ label: 't s' }];
    robot.joints.forEach((j, i) => trackSeries.push({ label: j.name.replace(/^outer_/, ''), stroke: JOINT_COLORS[i % JOINT_COLORS.length], width: 1.5, points: { show: false } }));
    this.trackData = trackSeries.map(() => []);
    this.track = new uPlot({ width, height: 150, series: trackSeries, axes, scales: { x: { time: false } }, legend: { live: false } }, this.trackData as uPlot.AlignedData, this.trackEl);
  }

  push(t: number, r: RobotState): void {
    if (!this.hand || !this.track) return;
    if (!this.origin && r.hand.length === 3) this.origin = [...r.hand];
    const o = this.origin ?? [0, 0, 0];
    const h = this.handData;
    h[0].push(t);
    for (let i = 0; i < 3; i++) {
      h[1 + i].push(((r.hand[i] ?? 0) - o[i]) * 1000);
      h[4 + i].push(((r.handFiltered[i] ?? 0) - o[i]) * 1000);
    }
    const k = this.trackData;
    k[0].push(t);
    for (let j = 1; j < k.length; j++) {
      const e = r.trackingError[j - 1] ?? 0;
      k[j].push(this.prismatic[j - 1] ? e * 1000 : (e * 180) / Math.PI);
    }
    slideWindow(h, t, WINDOW_S);
    slideWindow(k, t, WINDOW_S);
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.hand.setData(h as uPlot.AlignedData);
    this.track.setData(k as uPlot.AlignedData);
  }
}
