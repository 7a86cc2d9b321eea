// The JSON Schema of the scenario language, generated from the zod schema (scenarios/schema.ts), so editors can
// complete and check scenario files. `npm run schema` writes it to scenarios/scenario.schema.json; a test
// fails when the shipped file is not what the schema generates today.
import { z } from 'zod';
import { scenarioSchema } from './schema.ts';

export const JSON_SCHEMA_FILE = new URL('./scenario.schema.json', import.meta.url);

/** The schema as the file holds it: 2-space JSON with a final newline. */
export function scenarioJsonSchema(): string {
  // `input`: what a file may contain (fields with defaults are optional), not what the loader returns.
  const generated = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' });
  const schema = {
    $schema: generated.$schema,
    title: 'SteadySim scenario',
    description: 'A SteadySim scenario file (YAML): robots, scene, controller, operator input, timeline events, expectations and an optional matrix. '
      + 'Generated from scenarios/schema.ts by `npm run schema`; value checks beyond types (unit quaternions, waypoint order, robot ids, metric names) are done by the loader.',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
  return JSON.stringify(schema, null, 2) + '\n';
}
