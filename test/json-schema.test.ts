// The JSON Schema shipped for editors (scenarios/scenario.schema.json) is what the zod schema generates today.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { JSON_SCHEMA_FILE, scenarioJsonSchema } from '../scenarios/json-schema.ts';
import { EVENT_KINDS } from '../controller/events.ts';

describe('scenario.schema.json', () => {
  it('equals a fresh generation (run `npm run schema` after changing scenarios/schema.ts)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(scenarioJsonSchema());
  });

  it('describes the language: every top-level field, closed objects, the timeline and expectation forms', () => {
    const schema = JSON.parse(scenarioJsonSchema());
    expect(Object.keys(schema.properties)).toEqual([
      'name', 'description', 'seed', 'duration', 'rate', 'robots', 'objects', 'targets', 'controller', 'input', 'events', 'expect', 'matrix',
    ]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'duration', 'robots']);
    const kinds = schema.properties.events.items.oneOf.map((o: { properties: { kind: { const: string } } }) => o.properties.kind.const);
    for (const k of ['input_latency', 'packet_loss', 'sensor_noise', 'motor_fault', 'nan_input', 'estop', 'reset', 'set']) expect(kinds).toContain(k);
    const forms = schema.properties.expect.items.anyOf.map((o: { required: string[] }) => o.required[0]);
    expect(forms).toEqual(['metric', 'event', 'final_tip']);
    expect(schema.properties.expect.items.anyOf[1].properties.event.enum).toEqual([...EVENT_KINDS]);
  });
});
