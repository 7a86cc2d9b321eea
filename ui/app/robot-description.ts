// The scene description of one robot (protocol.ts `RobotDescription`) made from its plain-data spec, as the
// server sends it in `welcome`. The replay viewer uses it to describe a recorded scene the same way.
import type { RobotDescription } from '../protocol.ts';
import type { RobotSpec } from '../../sim/robot-spec.ts';

export function describeRobot(id: string, type: 'psm' | 'ecm', spec: RobotSpec, base: { p: readonly number[]; q: readonly number[] }): RobotDescription {
  return {
    id,
    type,
    base: { p: [...base.p], q: [...base.q] },
    joints: spec.joints.map((j) => ({ name: j.name, type: j.type, lower: j.lower, upper: j.upper })),
    links: spec.links.map((l) => ({
      name: l.name,
      parent: l.parent,
      shapes: l.shapes.map((s) => s.kind === 'cylinder'
        ? { kind: 'cylinder' as const, radius: s.radius, halfLength: s.halfLength, axis: [...s.axis], center: [...s.center] }
        : s.kind === 'box'
          ? { kind: 'box' as const, halfExtents: [...s.halfExtents], center: [...s.center] }
          : { kind: 'sphere' as const, radius: s.radius, center: [...s.center] }),
    })),
  };
}
