/**
 * Analyst review: decisions on accounts and campaigns, an append-only audit log, and the labels they make.
 *
 * Tables (created on first use, kept across analyses):
 *  - review_decisions: one row per decision, never updated or deleted;
 *  - review_decision_accounts: the accounts each decision labels (the account itself, or every member of the
 *    campaign at the time of the decision);
 *  - review_audit: every change made through the dashboard (decisions, list and policy edits, prompt reveals),
 *    each entry chained to the previous one by SHA-256, so that an edit or a deletion of a past entry shows.
 * View review_status: each account's current decision: its own latest decision if it has one (the more specific
 * wins), else the latest decision on a campaign it was in.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { isoTime, num, parseJson, strOrNull } from './db.js';
import type { DecisionKind, DecisionRecord, LabelLine } from './schemas.js';
import { DECISIONS } from './schemas.js';
import { HttpError } from './route.js';

/** Decision -> label for `distillguard train` (needs_evidence makes none). */
export const DECISION_LABEL: Record<DecisionKind, 'distillation' | 'benign' | null> = {
  confirm_distillation: 'distillation',
  false_positive: 'benign',
  needs_evidence: null,
};

/** Rank of a decision row for an account: own decisions before campaign ones, then the latest. */
const RANK = `(CASE WHEN da.subject_kind = 'account' THEN 1 ELSE 0 END)::BIGINT * 1000000000000 + d.decision_id`;

export async function migrateReview(db: Db): Promise<void> {
  await db.run(`
    CREATE TABLE IF NOT EXISTS review_decisions (
      decision_id BIGINT PRIMARY KEY, ts VARCHAR NOT NULL, analyst VARCHAR NOT NULL, subject_kind VARCHAR NOT NULL,
      subject_id VARCHAR NOT NULL, decision VARCHAR NOT NULL, note VARCHAR NOT NULL, campaign_id VARCHAR,
      score DOUBLE, verdict VARCHAR, accounts BIGINT NOT NULL);
    CREATE TABLE IF NOT EXISTS review_decision_accounts (decision_id BIGINT NOT NULL, account_id VARCHAR NOT NULL, subject_kind VARCHAR NOT NULL, campaign_id VARCHAR);
    CREATE TABLE IF NOT EXISTS review_audit (
      seq BIGINT PRIMARY KEY, ts VARCHAR NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
      subject_kind VARCHAR, subject_id VARCHAR, detail VARCHAR NOT NULL, prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL);
    CREATE OR REPLACE VIEW review_status AS
      SELECT da.account_id,
             arg_max(d.decision, ${RANK}) AS decision, arg_max(d.decision_id, ${RANK}) AS decision_id,
             arg_max(d.ts, ${RANK}) AS decided_at, arg_max(d.analyst, ${RANK}) AS analyst,
             arg_max(da.subject_kind, ${RANK}) AS via, arg_max(da.campaign_id, ${RANK}) AS campaign_id
      FROM review_decision_accounts da JOIN review_decisions d USING (decision_id)
      GROUP BY da.account_id;
    CREATE OR REPLACE VIEW review_campaign_status AS
      SELECT subject_id AS campaign_id, arg_max(decision, decision_id) AS decision, max(decision_id) AS decision_id,
             arg_max(ts, decision_id) AS decided_at, arg_max(analyst, decision_id) AS analyst
      FROM review_decisions WHERE subject_kind = 'campaign' GROUP BY subject_id;`);
}

const GENESIS = '0'.repeat(64);

export interface AuditInput {
  actor: string;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  detail: Record<string, unknown>;
}

function entryHash(prev: string, e: { seq: number; ts: string } & AuditInput): string {
  const body = JSON.stringify([e.seq, e.ts, e.actor, e.action, e.subject_kind, e.subject_id, e.detail]);
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

/** Appends an audit entry; call inside `db.exclusive` (with the change it records). Returns its seq. */
export async function appendAuditUnlocked(db: Db, e: AuditInput, ts = new Date().toISOString()): Promise<number> {
  const last = (await db.allUnlocked<{ seq: unknown; hash: string }>(`SELECT seq, hash FROM review_audit ORDER BY seq DESC LIMIT 1`))[0];
  const seq = last ? num(last.seq) + 1 : 1;
  const prev = last?.hash ?? GENESIS;
  const hash = entryHash(prev, { seq, ts, ...e });
  await db.runUnlocked(`INSERT INTO review_audit VALUES (${seq}, $1, $2, $3, $4, $5, $6, $7, $8)`, [
    ts,
    e.actor,
    e.action,
    e.subject_kind,
    e.subject_id,
    JSON.stringify(e.detail),
    prev,
    hash,
  ]);
  return seq;
}

/** Runs `fn` and appends its audit entry in one transaction. */
export async function audited<T>(db: Db, fn: () => Promise<{ result: T; audit: AuditInput }>): Promise<{ result: T; seq: number }> {
  return db.exclusive(async () => {
    await db.runUnlocked('BEGIN TRANSACTION');
    try {
      const { result, audit } = await fn();
      const seq = await appendAuditUnlocked(db, audit);
      await db.runUnlocked('COMMIT');
      return { result, seq };
    } catch (err) {
      await db.runUnlocked('ROLLBACK');
      throw err;
    }
  });
}

export interface AuditRow {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  detail: Record<string, unknown>;
  hash: string;
}

export async function readAudit(db: Db, opts: { offset: number; limit: number; subject_id?: string }): Promise<{ total: number; rows: AuditRow[] }> {
  const where = opts.subject_id !== undefined ? `WHERE subject_id = $1` : '';
  const params = opts.subject_id !== undefined ? [opts.subject_id] : [];
  const t = await db.one<{ n: unknown }>(`SELECT count(*) AS n FROM review_audit ${where}`, params);
  const rows = await db.all<Record<string, unknown>>(
    `SELECT * FROM review_audit ${where} ORDER BY seq DESC LIMIT ${opts.limit} OFFSET ${opts.offset}`,
    params,
  );
  return {
    total: num(t?.n),
    rows: rows.map((r) => ({ ...auditEntry(r), hash: String(r.hash) })),
  };
}

/** An audit row as the hash covers it (everything but its own hash). */
function auditEntry(r: Record<string, unknown>) {
  return {
    seq: num(r.seq),
    ts: String(r.ts),
    actor: String(r.actor),
    action: String(r.action),
    subject_kind: strOrNull(r.subject_kind),
    subject_id: strOrNull(r.subject_id),
    detail: parseJson<Record<string, unknown>>(r.detail, {}),
  };
}

/** Recomputes the hash chain: ok, or the first entry whose hash or link does not match. */
export async function verifyAudit(db: Db): Promise<{ ok: boolean; entries: number; broken_at: number | null }> {
  const rows = await db.all<Record<string, unknown>>(`SELECT * FROM review_audit ORDER BY seq`);
  let prev = GENESIS;
  let expectSeq = 1;
  for (const r of rows) {
    const e = auditEntry(r);
    const seq = e.seq;
    if (seq !== expectSeq || r.prev_hash !== prev || entryHash(prev, e) !== r.hash) return { ok: false, entries: rows.length, broken_at: seq };
    prev = String(r.hash);
    expectSeq++;
  }
  return { ok: true, entries: rows.length, broken_at: null };
}

export interface DecisionInput {
  subject_kind: 'account' | 'campaign';
  subject_id: string;
  decision: DecisionKind;
  note: string;
  analyst: string;
}

/** Records a decision (and its audit entry). 404 when the subject is not in the latest analysis. */
export async function recordDecision(db: Db, input: DecisionInput, hasResults: boolean): Promise<{ decision: DecisionRecord; audit_seq: number }> {
  if (!hasResults) throw new HttpError(409, 'the store holds no analysis: run distillguard analyze first');
  const ts = new Date().toISOString();
  const { result, seq } = await audited(db, async () => {
    const last = (await db.allUnlocked<{ n: unknown }>(`SELECT coalesce(max(decision_id), 0) AS n FROM review_decisions`))[0];
    const id = num(last?.n) + 1;
    let score: number | null;
    let verdict: string | null = null;
    let campaign: string | null;
    if (input.subject_kind === 'account') {
      const r = (
        await db.allUnlocked<Record<string, unknown>>(
          `SELECT score, verdict, campaign_id::VARCHAR AS campaign_id FROM account_results WHERE account_id = $1`,
          [input.subject_id],
        )
      )[0];
      if (!r) throw new HttpError(404, `no account ${input.subject_id} in the latest analysis`);
      score = num(r.score);
      verdict = strOrNull(r.verdict);
      campaign = strOrNull(r.campaign_id);
      await db.runUnlocked(`INSERT INTO review_decision_accounts VALUES (${id}, $1, 'account', $2)`, [input.subject_id, campaign]);
    } else {
      const r = (await db.allUnlocked<Record<string, unknown>>(`SELECT score FROM campaigns WHERE campaign_id = $1`, [input.subject_id]))[0];
      if (!r) throw new HttpError(404, `no campaign ${input.subject_id} in the latest analysis`);
      score = num(r.score);
      campaign = input.subject_id;
      await db.runUnlocked(
        `INSERT INTO review_decision_accounts SELECT ${id}, account_id, 'campaign', $1 FROM account_results WHERE campaign_id::VARCHAR = $1`,
        [input.subject_id],
      );
    }
    const n = (await db.allUnlocked<{ n: unknown }>(`SELECT count(*) AS n FROM review_decision_accounts WHERE decision_id = ${id}`))[0];
    const accounts = num(n?.n);
    await db.runUnlocked(`INSERT INTO review_decisions VALUES (${id}, $1, $2, $3, $4, $5, $6, $7, $8, $9, ${accounts})`, [
      ts,
      input.analyst,
      input.subject_kind,
      input.subject_id,
      input.decision,
      input.note,
      campaign,
      score,
      verdict,
    ]);
    const decision: DecisionRecord = { decision_id: id, ts, analyst: input.analyst, subject_kind: input.subject_kind, subject_id: input.subject_id, decision: input.decision, note: input.note, accounts };
    return {
      result: decision,
      audit: {
        actor: input.analyst,
        action: 'decision',
        subject_kind: input.subject_kind,
        subject_id: input.subject_id,
        detail: { decision_id: id, decision: input.decision, label: DECISION_LABEL[input.decision], note: input.note, accounts, score, verdict, campaign_id: campaign },
      },
    };
  });
  return { decision: result, audit_seq: seq };
}

function decisionRow(r: Record<string, unknown>): DecisionRecord {
  const d = String(r.decision);
  return {
    decision_id: num(r.decision_id),
    ts: String(r.ts),
    analyst: String(r.analyst),
    subject_kind: r.subject_kind === 'campaign' ? 'campaign' : 'account',
    subject_id: String(r.subject_id),
    decision: (DECISIONS as readonly string[]).includes(d) ? (d as DecisionKind) : 'needs_evidence',
    note: String(r.note ?? ''),
    accounts: num(r.accounts),
  };
}

/** Decisions that concern an account (its own and its campaigns'), or a campaign, newest first. */
export async function decisionHistory(db: Db, kind: 'account' | 'campaign', id: string, limit = 50): Promise<DecisionRecord[]> {
  const rows =
    kind === 'account'
      ? await db.all<Record<string, unknown>>(
          `SELECT d.* FROM review_decisions d JOIN review_decision_accounts da USING (decision_id) WHERE da.account_id = $1 ORDER BY d.decision_id DESC LIMIT ${limit}`,
          [id],
        )
      : await db.all<Record<string, unknown>>(
          `SELECT * FROM review_decisions WHERE subject_kind = 'campaign' AND subject_id = $1 ORDER BY decision_id DESC LIMIT ${limit}`,
          [id],
        );
  return rows.map(decisionRow);
}

/** Current status of one account, or null. */
export async function accountStatus(db: Db, accountId: string) {
  const r = await db.one<Record<string, unknown>>(`SELECT * FROM review_status WHERE account_id = $1`, [accountId]);
  return r ? statusOf(r) : null;
}

export async function campaignStatus(db: Db, campaignId: string) {
  const r = await db.one<Record<string, unknown>>(`SELECT *, 'campaign' AS via FROM review_campaign_status WHERE campaign_id = $1`, [campaignId]);
  return r ? statusOf(r) : null;
}

export function statusOf(r: Record<string, unknown>) {
  if (r.decision === null || r.decision === undefined) return null;
  return {
    decision: String(r.decision) as DecisionKind,
    decision_id: num(r.decision_id),
    decided_at: isoTime(r.decided_at) ?? String(r.decided_at),
    analyst: String(r.analyst),
    via: (r.via === 'campaign' ? 'campaign' : 'account') as 'account' | 'campaign',
  };
}

/**
 * Labels from the current decisions, one per account with a confirm or false-positive decision, ordered by
 * account: `{account_id, label, campaign_id, decision_id, decided_at}` — the format `readLabels` reads.
 */
export async function exportLabels(db: Db): Promise<LabelLine[]> {
  const rows = await db.all<Record<string, unknown>>(`
    SELECT account_id, decision, campaign_id, decision_id, decided_at FROM review_status
    WHERE decision IN ('confirm_distillation', 'false_positive') ORDER BY account_id`);
  return rows.map((r) => ({
    account_id: String(r.account_id),
    label: DECISION_LABEL[r.decision as DecisionKind] as 'distillation' | 'benign',
    campaign_id: strOrNull(r.campaign_id),
    decision_id: num(r.decision_id),
    decided_at: String(r.decided_at),
  }));
}

export function labelsJsonl(lines: LabelLine[]): string {
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}
