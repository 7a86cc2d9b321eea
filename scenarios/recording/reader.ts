// Reads a SteadySim recording file (see parse-recording.ts for what a recording holds and how it is parsed).
import { readFileSync } from 'node:fs';
import { parseRecording, RecordingError, type Recording } from './parse-recording.ts';

export { parseRecording, RecordingError } from './parse-recording.ts';
export type { JointStatesMessage, LogMessage, Recording, TransformMessage } from './parse-recording.ts';

export function readRecording(path: string): Recording {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new RecordingError(`${path}: cannot read: ${(e as Error).message}`);
  }
  return parseRecording(bytes, path);
}
