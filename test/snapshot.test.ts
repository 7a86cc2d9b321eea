// Snapshots are checkpoints: restore one, run the same commands again, and the world ends in the same state.
import { describe, expect, it } from 'vitest';
import { loadRapier } from '../sim/rapier.ts';
import { SimWorld } from '../sim/world.ts';
import { PSM_SPEC } from '../sim/robots/psm.ts';

describe('world snapshots', () => {
  it('restoring a snapshot and replaying the same commands gives the same state hash', async () => {
    const R = await loadRapier();
    const world = new SimWorld(R);
    world.addObject({ id: 'ball', shape: 'sphere', radius: 0.01, position: [0.05, 0, 0.02], mass: 0.02, fixed: false });
    const robot = world.addRobot('psm1', PSM_SPEC, { p: [0, 0, 0.15], q: [0, 0, 0, 1] });
    const drive = (k: number) => {
      robot.commandPosition[0] = 0.2 * Math.sin(k / 150);
      robot.commandPosition[2] = 0.12 + 0.02 * Math.sin(k / 90);
      world.step();
    };
    for (let k = 0; k < 200; k++) drive(k);
    const snap = world.takeSnapshot();
    for (let k = 200; k < 500; k++) drive(k);
    const first = world.stateHash();
    const q = Array.from(robot.position);
    world.restoreSnapshot(snap);
    expect(world.tick).toBe(200);
    for (let k = 200; k < 500; k++) drive(k);
    expect(world.stateHash()).toBe(first);
    expect(Array.from(robot.position)).toEqual(q);
    world.free();
  });
});
