/**
 * Budgets shared by gateway replicas through Redis. Reservation and settlement are Lua scripts, so each is
 * atomic across replicas. Windows are fixed, keyed by the window index from the replica's clock (keep replicas
 * NTP-synced; skew only matters at window edges). Single Redis (or a primary with replicas); not Redis Cluster
 * (the account and campaign keys of one reservation would live in different slots).
 *
 * When Redis is unreachable (commands fail fast: no offline queue, a short command timeout), reservations
 * follow `failMode`: 'open' (default) lets requests through unthrottled and marks them `budget-unavailable`;
 * 'closed' refuses them (the gateway answers 503). ioredis reconnects in the background; scripts are re-sent
 * after a restart (EVALSHA falls back to EVAL on NOSCRIPT), so budgets resume as soon as Redis is back.
 */
import { Redis } from 'ioredis';
import type { BudgetScope, BudgetStore, ReserveRequest, ReserveResult, Ticket } from './budget.js';
import { budgetLines } from './budget.js';

/**
 * KEYS: budget hashes (fields r = requests, t = tokens). ARGV: ttl_ms, then per key maxRequests, maxTokens,
 * reserved (-1 = no limit). Returns {0} when reserved, else {key index (1-based), 1 = requests | 2 = tokens}.
 */
const RESERVE = `
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local mr = tonumber(ARGV[i * 3 - 1])
  local mt = tonumber(ARGV[i * 3])
  local est = tonumber(ARGV[i * 3 + 1])
  local v = redis.call('HMGET', KEYS[i], 'r', 't')
  local r = tonumber(v[1]) or 0
  local t = tonumber(v[2]) or 0
  if mr >= 0 and r + 1 > mr then return {i, 1} end
  if mt >= 0 and t + est > mt then return {i, 2} end
end
for i = 1, #KEYS do
  redis.call('HINCRBY', KEYS[i], 'r', 1)
  redis.call('HINCRBY', KEYS[i], 't', tonumber(ARGV[i * 3 + 1]))
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return {0}
`;

/** KEYS: budget hashes; ARGV: per key the token correction. Keys that expired are left alone. */
const SETTLE = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    local t = redis.call('HINCRBY', KEYS[i], 't', tonumber(ARGV[i]))
    if t < 0 then redis.call('HSET', KEYS[i], 't', 0) end
  end
end
return 0
`;

type BudgetRedis = Redis & {
  dgReserve(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  dgSettle(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

export interface RedisBudgetOptions {
  url: string;
  failMode?: 'open' | 'closed';
  /** Milliseconds before a Redis command counts as failed (default 100). */
  commandTimeoutMs?: number;
  prefix?: string;
  /** Told when Redis goes away and comes back (the gateway logs it). */
  onState?: (state: 'up' | 'down', detail: string) => void;
}

export class RedisBudget implements BudgetStore {
  readonly redis: BudgetRedis;
  private readonly failMode: 'open' | 'closed';
  private readonly prefix: string;
  private up = false;
  /** Reservations answered without Redis (fail-open or fail-closed). */
  unavailableCount = 0;

  constructor(private readonly opts: RedisBudgetOptions) {
    this.failMode = opts.failMode ?? 'open';
    this.prefix = opts.prefix ?? 'dg:b';
    const redis = new Redis(opts.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 100,
      connectTimeout: 1000,
      // Reconnect forever, backing off to one attempt a second.
      retryStrategy: (times) => Math.min(times * 50, 1000),
      lazyConnect: false,
    });
    redis.defineCommand('dgReserve', { lua: RESERVE });
    redis.defineCommand('dgSettle', { lua: SETTLE });
    redis.on('ready', () => this.setState(true, 'connected'));
    redis.on('close', () => this.setState(false, 'connection closed'));
    // Errors are reported through setState and per command; an unhandled 'error' event must not crash the process.
    redis.on('error', (err: Error) => this.setState(false, err.message));
    this.redis = redis as BudgetRedis;
  }

  private setState(up: boolean, detail: string): void {
    if (up === this.up) return;
    this.up = up;
    this.opts.onState?.(up ? 'up' : 'down', detail);
  }

  /** Resolves once connected (tests); rejects after `ms`. */
  async ready(ms = 5000): Promise<void> {
    const t0 = Date.now();
    while (this.redis.status !== 'ready') {
      if (Date.now() - t0 > ms) throw new Error(`redis not ready after ${ms} ms (${this.redis.status})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async reserve(r: ReserveRequest): Promise<ReserveResult> {
    const { lines, windowMs, expiresAt } = budgetLines(r, this.prefix);
    if (lines.length === 0) return { ok: true, ticket: null };
    const args: (string | number)[] = lines.map((l) => l.key);
    args.push(windowMs + 1000);
    for (const l of lines) args.push(l.maxRequests, l.maxTokens, l.reserved);
    let out: number[];
    try {
      out = await this.redis.dgReserve(lines.length, ...args);
    } catch {
      this.unavailableCount++;
      return this.failMode === 'open' ? { ok: true, ticket: null, note: 'budget-unavailable' } : { ok: false, reason: 'unavailable' };
    }
    if (out[0] === 0) return { ok: true, ticket: { lines, expiresAt } };
    const line = lines[(out[0] ?? 1) - 1]!;
    const scope: BudgetScope = line.key.startsWith(`${this.prefix}:c:`) ? 'campaign' : 'account';
    return { ok: false, reason: 'exhausted', scope, kind: out[1] === 1 ? 'requests' : 'tokens', retryAfterMs: Math.max(0, expiresAt - (r.now ?? Date.now())) };
  }

  async settle(ticket: Ticket, actualTokens: number): Promise<void> {
    const args: (string | number)[] = ticket.lines.map((l) => l.key);
    for (const l of ticket.lines) args.push(actualTokens - l.reserved);
    try {
      await this.redis.dgSettle(ticket.lines.length, ...args);
    } catch {
      // Lost corrections only leave the estimate counted: budgets err on the strict side.
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
