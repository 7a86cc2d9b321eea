// Which scene the live server runs: a scenario file (the default live scene, `--scenario FILE`), a library name
// (`reach-targets` → scenarios/reach-targets.yaml) or YAML text sent by an operator (`load_scenario`).
// A bad one is a ClientError `bad_scenario` with the loader's message (file, line, field path, what was expected).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadScenarioFile, parseScenario, ScenarioError, type LoadedScenario } from '../../scenarios/loader.ts';
import { ClientError } from './errors.ts';

export const LIBRARY_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
export const DEFAULT_SCENE = join(LIBRARY_DIR, 'live-default.yaml');
/** How a scenario sent as text is named in errors and recordings. */
export const LIVE_TEXT_FILE = '<live>';

const LIBRARY_NAME = /^[a-z0-9][a-z0-9_-]{0,99}$/;

/** A scenario file from disk (throws ScenarioError when invalid). */
export function loadSceneFile(file: string): LoadedScenario {
  return loadScenarioFile(file);
}

/** A library name or YAML text, as `load_scenario` carries it. */
export function loadSceneArgument(arg: string): LoadedScenario {
  if (LIBRARY_NAME.test(arg)) {
    const file = join(LIBRARY_DIR, `${arg}.yaml`);
    if (!existsSync(file)) throw new ClientError('bad_scenario', `no scenario '${arg}' in the library (scenarios/${arg}.yaml)`);
    return wrap(() => loadScenarioFile(file));
  }
  return wrap(() => parseSceneText(arg));
}

function parseSceneText(arg: string): LoadedScenario {
  // Text from a client may not make the server read files: input files are for scenarios on disk.
  const doc = parseDocument(arg);
  // Aliases resolved (the parser's limit on them stands), so that no `*alias` hides a file.
  const data: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
  const input = typeof data === 'object' && data !== null ? (data as { input?: unknown }).input : undefined;
  if (typeof input === 'object' && input !== null) {
    for (const [robot, block] of Object.entries(input)) {
      if (typeof block === 'object' && block !== null && 'file' in block) {
        throw new ClientError('bad_scenario', `input.${robot}.file: a scenario sent over the WebSocket cannot read files; use a script, or a library scenario`);
      }
    }
  }
  return { file: LIVE_TEXT_FILE, text: arg, scenario: parseScenario(arg, LIVE_TEXT_FILE) };
}

function wrap(load: () => LoadedScenario): LoadedScenario {
  try {
    return load();
  } catch (e) {
    if (e instanceof ClientError) throw e;
    if (e instanceof ScenarioError) throw new ClientError('bad_scenario', `invalid scenario:\n${e.message}`);
    // The YAML parser's own refusals (an alias bomb: "Excessive alias count") and anything else the text causes.
    throw new ClientError('bad_scenario', `invalid scenario: ${(e as Error).message}`);
  }
}
