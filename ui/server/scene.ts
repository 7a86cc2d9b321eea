// The `welcome` message: the scene as the page draws it (robots from their specs at their RCMs, objects,
// targets), the controller settings in use, and which robots take live input.
import type { SceneDescription, WelcomeMessage } from '../protocol.ts';
import { PROTOCOL_VERSION } from '../protocol.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { ROBOT_SPECS } from '../../scenarios/runner.ts';
import { describeRobot } from '../app/robot-description.ts';

export type ControllerSettings = WelcomeMessage['controllers'];

export function describeScene(s: Scenario): SceneDescription {
  return {
    name: s.name,
    dt: 1 / s.rate,
    // The exoskeleton's scene is not drawn by the page yet (issue 5's page part): its robot is left out.
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
  };
}

export function welcomeMessage(role: 'viewer' | 'operator', scene: SceneDescription, controllers: ControllerSettings, inputRobots: readonly string[]): WelcomeMessage {
  return { type: 'welcome', protocol: PROTOCOL_VERSION, role, scene, controllers, inputRobots: [...inputRobots] };
}
