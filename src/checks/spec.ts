// Pure: the suite's check items (as validated by schema.ts) → resolved CheckSpecs, with a
// json_schema file's parsed contents in place of its path.
import { CHECK_KINDS, type CheckSpec } from '../types/job.js';
import { isFileRef, type CheckInput } from './schema.js';

/** Turn validated check items into specs. `readJson` returns a schema file's parsed contents. */
export function toCheckSpecs(items: readonly CheckInput[], readJson: (file: string) => Record<string, unknown>): CheckSpec[] {
  return items.map((item) => toCheckSpec(item, readJson));
}

function toCheckSpec(item: CheckInput, readJson: (file: string) => Record<string, unknown>): CheckSpec {
  const kind = CHECK_KINDS.find((key) => item[key] !== undefined);
  switch (kind) {
    case 'contains':
    case 'not_contains':
    case 'icontains':
    case 'equals':
    case 'starts_with':
      return { kind, value: item[kind]! };
    case 'regex': {
      const regex = item.regex!;
      return typeof regex === 'string' ? { kind, pattern: regex, flags: '' } : { kind, pattern: regex.pattern, flags: regex.flags ?? '' };
    }
    case 'is_json':
      return { kind };
    case 'json_schema': {
      const ref = item.json_schema!;
      return isFileRef(ref) ? { kind, schema: readJson(ref.file), file: ref.file } : { kind, schema: ref as Record<string, unknown>, file: null };
    }
    case 'max_latency_ms':
    case 'max_ttft_ms':
    case 'max_cost_usd':
    case 'max_tokens':
    case 'min_output_tps':
    case 'max_itl_ms':
      return { kind, limit: item[kind]! };
    default:
      throw new Error('internal: a check without a kind passed validation');
  }
}
