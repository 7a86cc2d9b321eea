// The state hash: SHA-256 over the raw float64 bytes of body poses and velocities, joint states and the
// controller's state. Equal inputs and seed give equal hashes on any machine (every engine we run on is
// little-endian; the bytes are those of the Float64Array as written).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SimWorld } from './world.ts';
import { BODY_STATE_FIELDS, newBodyScratch, writeBodyState } from './body-state.ts';

export class StateHasher {
  private readonly world: SimWorld;
  private buf: Float64Array;
  private readonly scratch = newBodyScratch();

  constructor(world: SimWorld) {
    this.world = world;
    this.buf = new Float64Array(this.size(0));
  }

  private size(controllerLength: number): number {
    let n = 1; // tick
    for (const r of this.world.robots) n += r.bodyCount * BODY_STATE_FIELDS.length + r.position.length * 2;
    n += this.world.objects.length * BODY_STATE_FIELDS.length;
    for (const m of this.world.mechanisms) n += m.stateLength;
    return n + controllerLength;
  }

  /** The raw numbers the last `hash` covered (the hasher's own buffer: copy it to keep it). */
  get lastState(): Float64Array {
    return this.buf;
  }

  /** A name for each number of the state, in order (for reports of what differs); `controller` names the tail. */
  labels(controller: readonly string[] = []): string[] {
    const out = ['tick'];
    const body = BODY_STATE_FIELDS;
    for (const r of this.world.robots) {
      for (const link of r.spec.links) for (const c of body) out.push(`${r.id} body ${link.name} ${c}`);
      for (const j of r.spec.joints) out.push(`${r.id} joint ${j.name} position`);
      for (const j of r.spec.joints) out.push(`${r.id} joint ${j.name} velocity`);
    }
    for (const obj of this.world.objects) for (const c of body) out.push(`object ${obj.spec.id} ${c}`);
    for (const m of this.world.mechanisms) out.push(...m.stateLabels());
    return out.concat(controller);
  }

  hash(controllerState?: Float64Array): string {
    const need = this.size(controllerState?.length ?? 0);
    if (this.buf.length !== need) this.buf = new Float64Array(need);
    const b = this.buf;
    let o = 0;
    b[o++] = this.world.tick;
    for (const r of this.world.robots) {
      o = r.writeBodyState(b, o);
      b.set(r.position, o); o += r.position.length;
      b.set(r.velocity, o); o += r.velocity.length;
    }
    for (const obj of this.world.objects) o = writeBodyState(b, o, obj.body, this.scratch);
    for (const m of this.world.mechanisms) o = m.writeState(b, o);
    if (controllerState) b.set(controllerState, o);
    // −0 and 0 hash differently, but a recording (JSON) cannot tell them apart: hash +0 for both.
    for (let i = 0; i < b.length; i++) b[i] += 0;
    return bytesToHex(sha256(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  }
}
