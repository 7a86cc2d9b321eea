// `npm run schema`: writes the scenario language's JSON Schema to scenarios/scenario.schema.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_FILE, scenarioJsonSchema } from './json-schema.ts';

writeFileSync(JSON_SCHEMA_FILE, scenarioJsonSchema());
process.stdout.write(`wrote ${fileURLToPath(JSON_SCHEMA_FILE)}\n`);
