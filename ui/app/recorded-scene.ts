// The scene of a recording, from the scenario text its metadata holds: the same description the live server
// sends in `welcome` (robots from their specs at their RCMs, objects, targets), so both pages draw alike.
import { parse } from 'yaml';
import type { SceneDescription } from '../protocol.ts';
import type { RobotSpec } from '../../sim/robot-spec.ts';
import { ECM_SPEC } from '../../sim/robots/ecm.ts';
import { PSM_SPEC } from '../../sim/robots/psm.ts';
import { describeRobot } from './robot-description.ts';

export const ROBOT_SPECS: Readonly<Record<string, RobotSpec>> = { psm: PSM_SPEC, ecm: ECM_SPEC };

type Loose = Record<string, unknown>;
const nums = (v: unknown): number[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? v as number[] : undefined);

/** Throws when the text is not a scenario with robots of known types. */
export function sceneFromScenario(text: string, dt: number): SceneDescription {
  const doc = parse(text) as Loose | null;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.robots)) throw new Error('the recorded scenario has no robots');
  const robots = (doc.robots as Loose[]).map((r) => {
    const type = String(r.type);
    const spec = ROBOT_SPECS[type];
    if (!spec) throw new Error(`robot ${String(r.id)}: unknown type '${type}'`);
    const p = nums(r.rcm) ?? [0, 0, 0];
    const q = nums(r.orientation) ?? [0, 0, 0, 1];
    return describeRobot(String(r.id), type as 'psm' | 'ecm', spec, { p, q });
  });
  const objects = (Array.isArray(doc.objects) ? doc.objects as Loose[] : []).map((o) => ({
    id: String(o.id), shape: String(o.shape), size: nums(o.size), radius: typeof o.radius === 'number' ? o.radius : undefined,
    height: typeof o.height === 'number' ? o.height : undefined, position: nums(o.position) ?? [0, 0, 0],
    orientation: nums(o.orientation), fixed: o.fixed === true,
  }));
  const targets = (Array.isArray(doc.targets) ? doc.targets as Loose[] : []).map((t) => ({
    id: String(t.id), position: nums(t.position) ?? [0, 0, 0], radius: typeof t.radius === 'number' ? t.radius : 0.002,
  }));
  return { name: String(doc.name ?? 'recording'), dt, robots, objects, targets };
}

/** The spec of a described robot (for forward kinematics of recorded joint states). */
export function specFor(type: string): RobotSpec {
  const spec = ROBOT_SPECS[type];
  if (!spec) throw new Error(`unknown robot type '${type}'`);
  return spec;
}
