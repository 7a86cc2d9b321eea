// Loads the deterministic Rapier build once (WASM inlined: works in Node and the browser without a bundler trick).
import RAPIER from '@dimforge/rapier3d-deterministic-compat';

export type Rapier = typeof RAPIER;
let loading: Promise<Rapier> | undefined;

export function loadRapier(): Promise<Rapier> {
  loading ??= RAPIER.init().then(() => RAPIER);
  return loading;
}
