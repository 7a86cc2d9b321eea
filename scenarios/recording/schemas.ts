// The JSON schemas a recording registers for its channels: Foxglove's own where one exists (joint states,
// transforms, log), ours for the rest. Only the writer needs them.
import { FrameTransforms, JointStates, Log } from '@foxglove/schemas/jsonschema.js';

const timeSchema = { type: 'object', properties: { sec: { type: 'integer' }, nsec: { type: 'integer' } } };
const numArray = { type: 'array', items: { type: ['number', 'string'] } };

export const schemas = {
  input: {
    title: 'steadysim.Input', type: 'object',
    properties: { tick: { type: 'integer' }, fresh: { type: 'boolean' }, p: numArray, q: numArray, grip: { type: ['number', 'string'] }, clutch: { type: 'boolean' } },
  },
  command: {
    title: 'steadysim.JointCommand', type: 'object',
    properties: { timestamp: timeSchema, tick: { type: 'integer' }, joints: { type: 'array', items: { type: 'string' } }, mode: numArray, position: numArray, velocity: numArray, effort: numArray },
  },
  hash: {
    title: 'steadysim.StateHash', type: 'object',
    properties: { tick: { type: 'integer' }, hash: { type: 'string' }, state: numArray },
  },
  jointStates: JointStates,
  tf: FrameTransforms,
  log: Log,
} as const;
