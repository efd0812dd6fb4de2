/**
 * Validation against the OASIS STIX 2.1 JSON schemas (cti-stix2-json-schemas, JSON Schema 2020-12), read from
 * `../shared/stix2.1/schemas` beside the repository (never copied into it) or from DISTILLGUARD_STIX_SCHEMAS.
 *
 * Each object is checked against the schema of its type (for precise messages), and the bundle against
 * bundle.json. One known gap of bundle.json is worked around: it lists no `extension-definition`, and its branch for
 * other types admits an object only when it matches exactly one of core.json and cyber-observable-core.json, which
 * an extension-definition (it has both `created` and an `id`) always matches both of. Extension definitions are
 * therefore checked against extension-definition.json and left out of the bundle.json pass.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { repoRoot } from '../util/paths.js';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

/** Where the schemas are looked for: DISTILLGUARD_STIX_SCHEMAS, else ../shared/stix2.1/schemas beside the repository. */
export function schemaDir(): string {
  return process.env.DISTILLGUARD_STIX_SCHEMAS ? resolve(process.env.DISTILLGUARD_STIX_SCHEMAS) : resolve(repoRoot(), '..', 'shared', 'stix2.1', 'schemas');
}

/** Schema file (relative to the schema folder) of each type the schemas define. */
const TYPE_SCHEMA: Record<string, string> = {
  bundle: 'common/bundle.json',
  'marking-definition': 'common/marking-definition.json',
  'extension-definition': 'common/extension-definition.json',
  'language-content': 'common/language-content.json',
  relationship: 'sros/relationship.json',
  sighting: 'sros/sighting.json',
};
for (const t of ['attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator', 'infrastructure', 'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data', 'opinion', 'report', 'threat-actor', 'tool', 'vulnerability'])
  TYPE_SCHEMA[t] = `sdos/${t}.json`;
for (const t of ['artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate'])
  TYPE_SCHEMA[t] = `observables/${t}.json`;

export class StixSchemas {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(readonly dir: string) {
    // The OASIS patterns use escapes (\-) that the 'u' flag rejects; the schemas declare formats ajv warns about.
    this.ajv = new Ajv2020({ strict: false, allErrors: false, unicodeRegExp: false, logger: false });
    addFormats(this.ajv);
    for (const sub of ['common', 'sdos', 'sros', 'observables']) {
      const d = join(dir, sub);
      for (const f of readdirSync(d).filter((x) => x.endsWith('.json')).sort()) this.ajv.addSchema(JSON.parse(readFileSync(join(d, f), 'utf8')) as object);
    }
  }

  /** The schemas, or null (with the reason) when the folder is absent. */
  static load(dir: string = schemaDir()): { schemas: StixSchemas | null; reason?: string } {
    if (!existsSync(join(dir, 'common', 'bundle.json'))) return { schemas: null, reason: `the OASIS STIX 2.1 schemas are not at ${dir}` };
    try {
      return { schemas: new StixSchemas(dir) };
    } catch (e) {
      return { schemas: null, reason: `cannot load the STIX schemas from ${dir}: ${(e as Error).message}` };
    }
  }

  private fn(file: string): ValidateFunction {
    let f = this.compiled.get(file);
    if (!f) {
      f = this.ajv.getSchema(BASE + file);
      if (!f) throw new Error(`schema ${file} is missing from ${this.dir}`);
      this.compiled.set(file, f);
    }
    return f;
  }

  /** Schema file an object is checked against: its type's, else the core of custom SDOs or SCOs. */
  static schemaFor(o: Record<string, unknown>): string {
    const t = typeof o.type === 'string' ? o.type : '';
    return TYPE_SCHEMA[t] ?? ('created' in o ? 'common/core.json' : 'common/cyber-observable-core.json');
  }

  /** Errors of a bundle (empty when valid), each naming the object and the failing rule. */
  validateBundle(bundle: unknown, maxErrors = 20): string[] {
    const errors: string[] = [];
    if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) return ['the bundle is not a JSON object'];
    const b = bundle as Record<string, unknown>;
    const objects = Array.isArray(b.objects) ? (b.objects as unknown[]) : [];
    objects.forEach((o, i) => {
      if (errors.length >= maxErrors) return;
      if (typeof o !== 'object' || o === null || Array.isArray(o)) {
        errors.push(`objects[${i}]: not a JSON object`);
        return;
      }
      const rec = o as Record<string, unknown>;
      const file = StixSchemas.schemaFor(rec);
      const f = this.fn(file);
      if (!f(o)) errors.push(`objects[${i}] (${String(rec.id ?? rec.type)}): ${file}: ${describe(f.errors)}`);
    });
    if (errors.length) return errors;
    const env: Record<string, unknown> = { ...b, objects: objects.filter((o) => (o as Record<string, unknown>).type !== 'extension-definition') };
    if ((env.objects as unknown[]).length === 0) delete env.objects;
    const f = this.fn(TYPE_SCHEMA.bundle!);
    if (!f(env)) errors.push(`bundle: common/bundle.json: ${describe(f.errors)}`);
    return errors;
  }
}

function describe(errs: ErrorObject[] | null | undefined): string {
  const e = errs?.[0];
  if (!e) return 'invalid';
  const where = e.instancePath || '(object)';
  const params = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : '';
  return `${where} ${e.message ?? e.keyword}${params}`;
}
