/**
 * The enforcement policy as the dashboard sees and edits it.
 *
 * Source: the `--policy FILE` when given (edits are validated, written back to the file atomically — comments in
 * it are not kept — and recorded in the store), else the latest version saved in the store, else the built-in
 * DEFAULT_POLICY. The allow and deny lists edited on the review page are the policy's own `allow` / `deny`
 * lists, so the gateway enforces what analysts put on them. Every version is kept in `policy_versions`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_POLICY, PolicySchema, parsePolicy, stripComments, type Policy } from '../enforce/policy.js';
import type { Db } from './db.js';
import { num } from './db.js';
import { audited } from './review.js';
import { HttpError, issuesOf, type Issue } from './route.js';

export interface PolicyVersion {
  version: number;
  ts: string;
  actor: string;
  note: string;
}

export type ListName = 'allow' | 'deny';
export type ListKind = 'accounts' | 'orgs' | 'keys' | 'ips';

export function validatePolicy(input: unknown): { policy: Policy; issues: [] } | { policy: null; issues: Issue[] } {
  const r = PolicySchema.safeParse(input);
  return r.success ? { policy: r.data, issues: [] } : { policy: null, issues: issuesOf(r.error) };
}

export class PolicyState {
  /** The policy JSON as written (what the editor shows and the file holds). */
  input: unknown = DEFAULT_POLICY;
  policy: Policy = DEFAULT_POLICY;
  source: 'file' | 'store' | 'default' = 'default';
  version = 0;

  constructor(
    private readonly db: Db,
    readonly file: string | null,
  ) {}

  static async open(db: Db, file: string | null): Promise<PolicyState> {
    const s = new PolicyState(db, file);
    await db.run(`CREATE TABLE IF NOT EXISTS policy_versions (version INTEGER PRIMARY KEY, ts VARCHAR NOT NULL, actor VARCHAR NOT NULL, note VARCHAR NOT NULL, policy VARCHAR NOT NULL)`);
    const last = await db.one<{ version: unknown; policy: string }>(`SELECT version, policy FROM policy_versions ORDER BY version DESC LIMIT 1`);
    s.version = last ? num(last.version) : 0;
    if (file !== null && existsSync(file)) {
      // parsePolicy throws an Error naming each problem with its JSON path; the caller reports it to the user.
      const value = JSON.parse(stripComments(readFileSync(file, 'utf8'))) as unknown;
      s.policy = parsePolicy(value, file);
      s.input = value;
      s.source = 'file';
    } else if (file === null && last) {
      s.input = JSON.parse(last.policy) as unknown;
      s.policy = parsePolicy(s.input, 'stored policy');
      s.source = 'store';
    }
    return s;
  }

  async versions(limit = 50): Promise<PolicyVersion[]> {
    const rows = await this.db.all<Record<string, unknown>>(`SELECT version, ts, actor, note FROM policy_versions ORDER BY version DESC LIMIT ${limit}`);
    return rows.map((r) => ({ version: num(r.version), ts: String(r.ts), actor: String(r.actor), note: String(r.note) }));
  }

  /** Validates and saves a new policy (file and store), with its audit entry. 422 with JSON paths when invalid. */
  async save(
    input: unknown,
    actor: string,
    note: string,
    audit: { action: string; subject_kind: string; subject_id: string; detail: Record<string, unknown> } | null = null,
  ): Promise<{ version: number; audit_seq: number }> {
    const v = validatePolicy(input);
    if (v.policy === null) throw new HttpError(422, 'invalid policy', v.issues);
    const text = JSON.stringify(input, null, 2) + '\n';
    const ts = new Date().toISOString();
    const { result, seq } = await audited(this.db, async () => {
      const version = this.version + 1;
      await this.db.runUnlocked(`INSERT INTO policy_versions VALUES (${version}, $1, $2, $3, $4)`, [ts, actor, note, text]);
      if (this.file !== null) {
        const tmp = join(dirname(this.file), `.${basename(this.file)}.${process.pid}.tmp`);
        writeFileSync(tmp, text);
        renameSync(tmp, this.file);
      }
      return {
        result: version,
        audit: {
          actor,
          action: audit?.action ?? 'policy.update',
          subject_kind: audit?.subject_kind ?? 'policy',
          subject_id: audit?.subject_id ?? String(version),
          detail: { policy_version: version, note, mode: v.policy.mode, rules: v.policy.rules.length, ...(audit?.detail ?? {}) },
        },
      };
    });
    this.version = result;
    this.input = input;
    this.policy = v.policy;
    this.source = this.file !== null ? 'file' : 'store';
    return { version: result, audit_seq: seq };
  }

  /** The allow and deny lists of the current policy. */
  lists(): Record<ListName, Record<ListKind, string[]>> {
    const of = (l: Policy['allow']) => ({ accounts: l?.accounts ?? [], orgs: l?.orgs ?? [], keys: l?.keys ?? [], ips: l?.ips ?? [] });
    return { allow: of(this.policy.allow), deny: of(this.policy.deny) };
  }

  /** Adds or removes one entry of an allow or deny list: a new policy version. */
  async changeList(op: 'add' | 'remove', list: ListName, kind: ListKind, value: string, actor: string, note: string): Promise<{ version: number; audit_seq: number }> {
    const input = structuredClone((this.input ?? {}) as Record<string, unknown>);
    const l = ((input[list] as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
    const cur = Array.isArray(l[kind]) ? (l[kind] as unknown[]).map(String) : [];
    if (op === 'add') {
      if (cur.includes(value)) throw new HttpError(409, `${value} is already on the ${list} list`);
      l[kind] = [...cur, value];
    } else {
      if (!cur.includes(value)) throw new HttpError(404, `${value} is not on the ${list} list`);
      l[kind] = cur.filter((x) => x !== value);
    }
    input[list] = l;
    const v = validatePolicy(input);
    if (v.policy === null) throw new HttpError(400, `invalid ${list} list entry`, v.issues);
    const noun = kind.replace(/s$/, '');
    return this.save(input, actor, note || `${op} ${noun} ${value} ${op === 'add' ? 'to' : 'from'} the ${list} list`, {
      action: `list.${op}`,
      subject_kind: noun,
      subject_id: value,
      detail: { list, kind, value },
    });
  }
}
