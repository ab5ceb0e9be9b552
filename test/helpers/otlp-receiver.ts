// A loopback OTLP/HTTP receiver that holds each request to the protobuf JSON mapping as the OTLP
// spec amends it, field by field against the real .proto files (test/fixtures/otlp): keys are the
// lowerCamelCase JSON names (a proto name such as time_unix_nano is refused), 64-bit integers are
// decimal strings, enums are integers, a oneof has one member set. Then protobufjs encodes the
// message to binary and decodes it back, as a collector would. A bad request gets 400 and the
// problems; `replies` scripts the statuses of the next requests (for retries).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const PROTO_DIR = fileURLToPath(new URL('../fixtures/otlp/', import.meta.url));
const REQUEST = 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest';

function loadRoot(keepCase: boolean): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto', { keepCase });
  root.resolveAll();
  return root;
}
const byProtoName = loadRoot(true);
const byJsonName = loadRoot(false);

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const jsonName = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Every way `value` breaks the mapping for `type`, with a dotted path. */
export function otlpJsonProblems(value: unknown, type = byProtoName.lookupType(REQUEST), path = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path || '(root)'}: expected an object for ${type.name}`];
  const problems: string[] = [];
  const fields = new Map(type.fieldsArray.map((f) => [jsonName(f.name), f]));
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => jsonName(f.name) in value);
    if (set.length > 1) problems.push(`${path}: oneof ${oneof.name} has ${set.length} members set`);
  }
  for (const [key, item] of Object.entries(value)) {
    const field = fields.get(key);
    const at = path ? `${path}.${key}` : key;
    if (!field) {
      problems.push(`${at}: no field of ${type.name} has this JSON name`);
      continue;
    }
    if (field.repeated) {
      if (!Array.isArray(item)) problems.push(`${at}: expected an array`);
      else item.forEach((element, i) => problems.push(...fieldProblems(field, element, `${at}.${i}`)));
    } else problems.push(...fieldProblems(field, item, at));
  }
  return problems;
}

function fieldProblems(field: protobuf.Field, value: unknown, at: string): string[] {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return otlpJsonProblems(value, resolved, at);
  if (resolved instanceof protobuf.Enum) return Number.isInteger(value) && Object.values(resolved.values).includes(value as number) ? [] : [`${at}: an enum is an integer that ${resolved.name} defines, got ${JSON.stringify(value)}`];
  if (INT64.has(field.type)) return typeof value === 'string' && /^-?\d+$/.test(value) ? [] : [`${at}: a 64-bit integer is a decimal string, got ${JSON.stringify(value)}`];
  if (INT32.has(field.type)) return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
  if (field.type === 'double' || field.type === 'float') return typeof value === 'number' && Number.isFinite(value) ? [] : [`${at}: expected a finite number`];
  if (field.type === 'bool') return typeof value === 'boolean' ? [] : [`${at}: expected true or false`];
  if (field.type === 'string' || field.type === 'bytes') return typeof value === 'string' ? [] : [`${at}: expected a string`];
  return [`${at}: unhandled type ${field.type}`];
}

/** The request through protobufjs to binary and back: what a collector decodes. */
export function decodeOtlp(json: unknown): Record<string, unknown> {
  const type = byJsonName.lookupType(REQUEST);
  const bytes = type.encode(type.fromObject(json as Record<string, unknown>)).finish();
  return type.toObject(type.decode(bytes), { longs: String, enums: Number, defaults: false }) as Record<string, unknown>;
}

export interface OtlpRequest {
  path: string;
  contentType: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  problems: string[];
}

export interface OtlpReceiver {
  url: string;
  requests: OtlpRequest[];
  /** Statuses (and bodies) for the next requests, in order; then 200 `{}`. */
  replies: { status: number; body?: string }[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const replies: OtlpReceiver['replies'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = null;
      let problems: string[];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        problems = otlpJsonProblems(body);
        if (problems.length === 0) decodeOtlp(body);
      } catch (error) {
        problems = [`not decodable: ${(error as Error).message}`];
      }
      if (req.headers['content-type'] !== 'application/json') problems.push(`content-type ${req.headers['content-type']}, not application/json`);
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], headers: req.headers, body, problems });
      const scripted = replies.shift();
      const status = scripted?.status ?? (problems.length ? 400 : 200);
      res.writeHead(status, { 'content-type': 'application/json' }).end(scripted?.body ?? (problems.length ? JSON.stringify({ message: problems.join('; ') }) : '{}'));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    replies,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
