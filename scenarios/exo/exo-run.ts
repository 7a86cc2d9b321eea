// Builds an exoskeleton scenario ready to tick, as runner.ts's prepareRun does for the arms: the gait trainer
// world (treadmill, body-weight support, pelvis guide), the patient and the exoskeleton (sim/exo/), the patient's
// behaviour (scenarios/patient/), the exoskeleton's loop (controller/exo/), metrics, hashes and recording.
import { loadRapier } from '../../sim/rapier.ts';
import { SimWorld } from '../../sim/world.ts';
import { SimExo } from '../../sim/exo/sim-exo.ts';
import { exoSpec, patientSpec } from '../../sim/exo/exo-spec.ts';
import { EventLog } from '../../controller/events.ts';
import { createTickFrame } from '../../controller/frame.ts';
import { createExoFrame, exoControllerState, exoControllerStateLabels, exoControllerStateSize } from '../../controller/exo/exo-frame.ts';
import { ReferenceGait } from '../../controller/exo/normative-gait.ts';
import { gaitGenerator } from '../../controller/exo/gait-generator.ts';
import { exoController } from '../../controller/exo/controllers.ts';
import { intentStage } from '../../controller/exo/intent.ts';
import { exoMonitors, exoSupervisor } from '../../controller/exo/exo-safety.ts';
import { exoControlLoop } from '../../controller/exo/exo-loop.ts';
import { PatientModel } from '../patient/patient-model.ts';
import { RunRecorder } from '../recording/recorder.ts';
import type { Scenario } from '../schema.ts';
import type { PreparedRun, RunOptions, RunResult } from '../runner.ts';
import { checkpoints, runResult } from '../runner.ts';
import { exoConfigs, type ExoRobot } from './exo-schema.ts';
import { exoTimeline } from './exo-timeline.ts';
import { ExoMetrics } from './exo-metrics.ts';

/**
 * Rapier's length unit for the gait trainer, m. Rapier caps every body's speed at 400 length units per second;
 * at the arms' 0.001 that is 0.4 m/s, and a swinging foot moves at several m/s. 0.05 allows 20 m/s and keeps
 * contact tolerances under a tenth of a millimetre.
 */
const EXO_LENGTH_UNIT = 0.05;

export async function prepareExoRun(s: Scenario, opts: RunOptions = {}): Promise<PreparedRun> {
  const R = await loadRapier();
  const seed = opts.seed ?? s.seed;
  const dt = 1 / s.rate;
  const ticks = Math.round(s.duration / dt);
  const r = s.robots[0] as ExoRobot;
  const cfg = exoConfigs(r);
  const world = new SimWorld(R, { dt, gravity: [0, 0, -9.81], lengthUnit: EXO_LENGTH_UNIT });
  try {
    const spec = exoSpec({ ankle: r.ankle });
    const patientBody = patientSpec(r.patient.height_m, r.patient.mass_kg);
    const b = patientBody.body;
    const gait = new ReferenceGait(cfg.gait, { thigh: b.thigh.length, shank: b.shank.length, pelvicTilt: patientBody.pelvicTilt });
    const exo = new SimExo(r.id, spec, patientBody, cfg.trainer, dt);
    exo.build(R, world.world);
    world.addMechanism(exo);
    const f = createExoFrame(exo);
    const qd0 = new Float64Array(6);
    gait.both(0, f.qRef, qd0);
    exo.setPose(f.qRef);
    f.qHold.set(exo.position);

    const log = new EventLog(dt);
    const frame = createTickFrame(dt, []);
    const patient = new PatientModel(cfg.behaviour, exo, gait, seed, dt);
    const controller = exoController(f, cfg.control, gait, cfg.safety);
    const metrics = new ExoMetrics(exo, f, patient, log, dt, controller.aan);
    const recorder = opts.record ? new RunRecorder(opts.record) : undefined;
    const nState = exoControllerStateSize(spec.joints.length);
    const state = new Float64Array(nState + patient.stateSize());
    const writeState = (): Float64Array => {
      exoControllerState(f, state);
      patient.writeState(state, nState);
      return state;
    };
    const { hashes, hashInterval, tap: hashTap } = checkpoints(world, writeState, opts, ticks, dt);
    const loop = exoControlLoop({
      timeline: exoTimeline(s, exo, f, log, dt),
      supervisor: exoSupervisor(f, cfg.safety, log),
      intent: intentStage(f, cfg.trigger, patient, dt, log),
      gait: gaitGenerator(f, gait, cfg.trigger, dt, log),
      controller: controller.stage,
      userStages: opts.userStages,
      patient: patient.stage(f, log),
      plant: world,
      monitors: exoMonitors(f, cfg.safety, dt, log),
      // The recorder last: it reads this tick's hash checkpoint.
      taps: [metrics.stage(), hashTap, ...(opts.taps ?? []), ...(recorder ? [recorder.tap()] : [])],
    });
    return {
      scenario: s, world, frame, ticks, log, loop, hashes, hashInterval, recorder,
      exoFrame: f,
      exo: { sim: exo, controller, gait },
      controllerState: writeState,
      controllerLabels: () => [...exoControllerStateLabels(f), ...patient.stateLabels(r.id)],
      finish(wall: number): RunResult {
        const finalHash = world.stateHash(writeState());
        const { metrics: values, series } = metrics.finish(r.id);
        return runResult({ s, seed, ticks, dt, wall, values, log, world, hashInterval, hashes, finalHash, series });
      },
    };
  } catch (e) {
    world.free();
    throw e;
  }
}
