// An empty number[] that holds doubles from the start. V8 gives `[]` small-integer elements and widens them to
// doubles the first time a fraction is pushed; the widening deoptimises the optimised code that pushes (and, through
// the literal's allocation site, code that made arrays there). The per-tick metric samplers that keep such series
// are large, tens of ms to compile again, and each worker thread of a batch paid that for every series.
export function doubleArray(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}
