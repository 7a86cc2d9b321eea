// The `welcome` message: the scene as the page draws it (robots from their specs at their RCMs, objects,
// targets), the controller settings in use, and which robots take live input.
import type { SceneDescription, WelcomeMessage } from '../protocol.ts';
import { PROTOCOL_VERSION } from '../protocol.ts';
import { ROBOT_SPECS, type PreparedRun } from '../../scenarios/runner.ts';
import { describeRobot } from '../app/robot-description.ts';
import type { ExoRobot } from '../../scenarios/exo/exo-schema.ts';
import { describeExo } from './exo-scene.ts';

export type ControllerSettings = WelcomeMessage['controllers'];

export function describeScene(run: PreparedRun): SceneDescription {
  const s = run.scenario;
  const exo = s.robots.find((r): r is ExoRobot => r.type === 'exo');
  return {
    name: s.name,
    dt: 1 / s.rate,
    // The exoskeleton is not an arm: it is described in `exo` (exo-scene.ts), not in `robots`.
    robots: s.robots.flatMap((r) => (r.type === 'exo' ? [] : [describeRobot(r.id, r.type, ROBOT_SPECS[r.type], { p: r.rcm, q: r.orientation ?? [0, 0, 0, 1] })])),
    objects: s.objects.map((o) => ({
      id: o.id,
      shape: o.shape,
      ...(o.shape === 'box' ? { size: [...o.size] } : {}),
      ...(o.shape !== 'box' ? { radius: o.radius } : {}),
      ...(o.shape === 'cylinder' || o.shape === 'peg' ? { height: o.height } : {}),
      position: [...o.position],
      ...(o.orientation ? { orientation: [...o.orientation] } : {}),
      fixed: o.fixed,
    })),
    targets: s.targets.map((t) => ({ id: t.id, position: [...t.position], radius: t.radius })),
    ...(exo && run.exo ? { exo: describeExo(exo, run.exo) } : {}),
  };
}

export function welcomeMessage(role: 'viewer' | 'operator', scene: SceneDescription, controllers: ControllerSettings, inputRobots: readonly string[]): WelcomeMessage {
  return { type: 'welcome', protocol: PROTOCOL_VERSION, role, scene, controllers, inputRobots: [...inputRobots] };
}
