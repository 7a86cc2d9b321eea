// Input at the device boundary: a wrapper that records every sample a source delivers (only when it
// changes: value or presence), and a source that plays such a record back, tick for tick.
import type { InputSource } from '../../controller/input-source.ts';
import type { OperatorInput } from '../../controller/frame.ts';
import type { InputMessage } from './topics.ts';

/** Wraps `inner` and calls `record` with each sample that differs from the one before (NaN included). */
export class RecordingSource implements InputSource {
  private lastFresh = false;
  private readonly last = { p: new Float64Array(3), q: new Float64Array(4), grip: Number.NaN, clutch: false };
  private first = true;

  constructor(private readonly inner: InputSource | undefined, private readonly record: (m: InputMessage) => void) {}

  sample(tick: number, out: OperatorInput): boolean {
    const fresh = this.inner ? this.inner.sample(tick, out) : false;
    const l = this.last;
    const changed = this.first || fresh !== this.lastFresh || (fresh && (
      !same(out.p, l.p) || !same(out.q, l.q) || !Object.is(out.grip, l.grip) || out.clutch !== l.clutch));
    if (changed) {
      this.first = false;
      this.lastFresh = fresh;
      if (fresh) { l.p.set(out.p); l.q.set(out.q); l.grip = out.grip; l.clutch = out.clutch; }
      this.record({ tick, fresh, p: Array.from(fresh ? out.p : l.p), q: Array.from(fresh ? out.q : l.q), grip: fresh ? out.grip : l.grip, clutch: fresh ? out.clutch : l.clutch });
    }
    return fresh;
  }
}

function same(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Plays recorded input messages back: each takes effect at its tick and holds until the next. */
export class RecordedSource implements InputSource {
  private next = 0;
  private fresh = false;
  private readonly cur = { p: new Float64Array(3), q: Float64Array.of(0, 0, 0, 1), grip: 0, clutch: false };

  constructor(private readonly messages: readonly InputMessage[]) {
    for (let i = 1; i < messages.length; i++) {
      if (messages[i].tick < messages[i - 1].tick) throw new Error('recorded input messages are not in tick order');
    }
  }

  sample(tick: number, out: OperatorInput): boolean {
    const m = this.messages;
    while (this.next < m.length && m[this.next].tick <= tick) {
      const x = m[this.next++];
      this.fresh = x.fresh;
      this.cur.p.set(x.p); this.cur.q.set(x.q); this.cur.grip = x.grip; this.cur.clutch = x.clutch;
    }
    if (!this.fresh) return false;
    out.p.set(this.cur.p); out.q.set(this.cur.q); out.grip = this.cur.grip; out.clutch = this.cur.clutch;
    return true;
  }
}
