/**
 * Throttle budgets: requests and tokens per account and per campaign cluster, over fixed windows.
 *
 * Reserve-then-settle: before the upstream call the gateway reserves one request and an estimate of the tokens
 * (prompt size + max_tokens) in every budget that applies, atomically and only if all of them have room; after
 * the response it settles the difference between the real usage and the estimate. Concurrent requests therefore
 * cannot overrun a budget: each one's worst case is counted before it is sent.
 *
 * Backends: `MemoryBudget` (one process) and `RedisBudget` (redis-budget.ts: replicas share budgets).
 */
import type { ThrottleParams } from './policy.js';

export type BudgetScope = 'account' | 'campaign';

export interface ReserveRequest {
  account: string;
  campaign: string | null;
  /** Estimated tokens of the call (prompt + max output). */
  estimate: number;
  limits: ThrottleParams;
  /** Now, epoch ms (injectable for tests). */
  now?: number;
}

/** One budget to charge: its store key and limits (-1: no limit). */
export interface BudgetLine {
  key: string;
  maxRequests: number;
  maxTokens: number;
  /** Tokens reserved on this line (the estimate, capped at maxTokens so one call fits an empty window). */
  reserved: number;
}

/** What a reservation charged, to settle later. */
export interface Ticket {
  lines: BudgetLine[];
  /** Window end, epoch ms. */
  expiresAt: number;
}

export type ReserveResult =
  | { ok: true; ticket: Ticket | null; note?: 'budget-unavailable' }
  | { ok: false; reason: 'exhausted'; scope: BudgetScope; kind: 'requests' | 'tokens'; retryAfterMs: number }
  | { ok: false; reason: 'unavailable' };

export interface BudgetStore {
  reserve(r: ReserveRequest): Promise<ReserveResult>;
  /** Corrects the reserved tokens to the real usage (`actualTokens`). Never throws. */
  settle(ticket: Ticket, actualTokens: number): Promise<void>;
  close(): Promise<void>;
}

/** The budget lines a request is charged to (account and/or campaign), with their keys for the current window. */
export function budgetLines(r: ReserveRequest, prefix = 'dg:b'): { lines: BudgetLine[]; windowMs: number; expiresAt: number } {
  const windowMs = r.limits.window_s * 1000;
  const now = r.now ?? Date.now();
  const index = Math.floor(now / windowMs);
  const expiresAt = (index + 1) * windowMs;
  const lines: BudgetLine[] = [];
  const add = (scope: 'a' | 'c', id: string, b: { requests?: number; tokens?: number }) => {
    const maxTokens = b.tokens ?? -1;
    lines.push({
      key: `${prefix}:${scope}:${r.limits.window_s}:${index}:${id}`,
      maxRequests: b.requests ?? -1,
      maxTokens,
      reserved: maxTokens >= 0 ? Math.min(r.estimate, maxTokens) : r.estimate,
    });
  };
  if (r.limits.account) add('a', r.account, r.limits.account);
  if (r.limits.campaign && r.campaign !== null) add('c', r.campaign, r.limits.campaign);
  return { lines, windowMs, expiresAt };
}

/** In-process budgets (a single gateway, or the per-replica fallback). */
export class MemoryBudget implements BudgetStore {
  private readonly used = new Map<string, { requests: number; tokens: number; expiresAt: number }>();
  private sweeps = 0;

  /** `clock`: the time windows are counted in (tests fix it so that calls never straddle a window's end). */
  constructor(private readonly clock: () => number = Date.now) {}

  async reserve(r: ReserveRequest): Promise<ReserveResult> {
    return this.reserveSync(r);
  }

  /** Synchronous core (atomic by construction: one event loop). */
  reserveSync(r: ReserveRequest): ReserveResult {
    const now = r.now ?? this.clock();
    if (++this.sweeps % 1024 === 0) this.sweep(now);
    const { lines, expiresAt } = budgetLines({ ...r, now });
    if (lines.length === 0) return { ok: true, ticket: null };
    for (const l of lines) {
      const u = this.used.get(l.key);
      if (u === undefined) continue;
      const scope: BudgetScope = l.key.includes(':c:') ? 'campaign' : 'account';
      if (l.maxRequests >= 0 && u.requests + 1 > l.maxRequests) return { ok: false, reason: 'exhausted', scope, kind: 'requests', retryAfterMs: expiresAt - now };
      if (l.maxTokens >= 0 && u.tokens + l.reserved > l.maxTokens) return { ok: false, reason: 'exhausted', scope, kind: 'tokens', retryAfterMs: expiresAt - now };
    }
    for (const l of lines) {
      const u = this.used.get(l.key);
      if (u === undefined) this.used.set(l.key, { requests: 1, tokens: l.reserved, expiresAt });
      else {
        u.requests++;
        u.tokens += l.reserved;
      }
    }
    return { ok: true, ticket: { lines, expiresAt } };
  }

  async settle(ticket: Ticket, actualTokens: number): Promise<void> {
    for (const l of ticket.lines) {
      const u = this.used.get(l.key);
      if (u !== undefined) u.tokens = Math.max(0, u.tokens + actualTokens - l.reserved);
    }
  }

  /** Current usage of a budget key (tests, tooling). */
  usage(key: string): { requests: number; tokens: number } | undefined {
    const u = this.used.get(key);
    return u && { requests: u.requests, tokens: u.tokens };
  }

  private sweep(now: number): void {
    for (const [k, u] of this.used) if (u.expiresAt <= now) this.used.delete(k);
  }

  async close(): Promise<void> {
    this.used.clear();
  }
}

/** Estimated tokens of a request: prompt bytes / 3 (conservative for English and code) plus the output cap. */
export function estimateTokens(bodyBytes: number, maxOutput: number | null): number {
  return Math.ceil(bodyBytes / 3) + (maxOutput ?? 4096);
}
