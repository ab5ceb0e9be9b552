// The editor JSON Schema (schema/suite.schema.json), generated from the suite's zod schema.
import * as z from 'zod';
import { CheckSchema } from '../checks/schema.js';
import { CHECK_KINDS } from '../types/job.js';
import { PROMPT_KEYS, SuiteSchema, TaskSchema } from './schema.js';

/** JSON Schema of a suite file for editors (draft-07: what yaml-language-server reads best). */
export function suiteJsonSchema(): object {
  const schema = z.toJSONSchema(SuiteSchema, {
    target: 'draft-7',
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      // The exactly-one rule is a refinement zod cannot export; say it in JSON Schema terms.
      if (zodSchema === TaskSchema) {
        jsonSchema.oneOf = PROMPT_KEYS.map((key) => ({ required: [key] }));
        jsonSchema.anyOf = [{ required: ['id'] }, { required: ['from'] }];
      }
      // Likewise a check's one-key rule.
      if (zodSchema === CheckSchema) jsonSchema.oneOf = CHECK_KINDS.map((key) => ({ required: [key] }));
    },
  });
  const { $schema, ...rest } = schema;
  return { $schema, title: 'agent-lab suite', description: 'A benchmark suite for agent-lab: models × system prompts × tasks.', ...rest };
}

/** The committed file's exact text (schema/suite.schema.json): pretty-printed, trailing newline. */
export function suiteJsonSchemaText(): string {
  return `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`;
}
