// Regenerates schema/suite.schema.json from the zod suite schema (run `npm run schema`).
// test/schema-json.test.ts fails when the committed file and the schema drift apart.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { suiteJsonSchemaText } from '../dist/config/json-schema.js';

const target = fileURLToPath(new URL('../schema/suite.schema.json', import.meta.url));
await writeFile(target, suiteJsonSchemaText());
console.log(`wrote ${target}`);
