// Clamping for the per-tick path.

/**
 * x limited to [−limit, limit]. The bound's negation is computed on every call, not only when x saturates: V8
 * optimises a tick function before a limit is ever reached, and an operation that has never run has no type
 * feedback, so the first saturation would deoptimise (and recompile) every function this is inlined into.
 */
export function clampAbs(x: number, limit: number): number {
  const lo = -limit;
  return x > limit ? limit : x < lo ? lo : x;
}
