// Determinism is a product promise: the same scenario and seed give the same state hash, always.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../scenarios/loader.ts';
import { runScenario } from '../scenarios/runner.ts';

describe('determinism', () => {
  it('the same scenario and seed give the same final_state_hash and checkpoints; another seed does not', async () => {
    const s = parseScenario(readFileSync('scenarios/tremor-lowpass.yaml', 'utf8'));
    const short = { ...s, duration: 3 };
    const a = await runScenario(short);
    const b = await runScenario(short);
    expect(a.final_state_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.final_state_hash).toBe(a.final_state_hash);
    expect(b.hashes).toEqual(a.hashes);
    expect(b.metrics).toEqual(a.metrics);
    const c = await runScenario(short, { seed: 8 });
    expect(c.final_state_hash).not.toBe(a.final_state_hash);
  });
});
