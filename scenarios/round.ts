/** Rounds to `digits` decimals for numbers people read (result.json, tables); NaN and ±Infinity pass through. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f + 0; // + 0 turns −0 into 0
}
