/**
 * The simulated world: time window, models, campaigns and every account (attackers, resold proxy accounts,
 * benign look-alike groups and ordinary users) with its profile and traffic streams. Built deterministically
 * from the configuration alone, so each worker thread rebuilds the same world instead of receiving it.
 * Per-account state is bounded (a few hundred bytes per account); nothing here grows with interactions.
 */
import type { Capability } from '../model/capabilities.js';
import type { ApiIndex } from './bodies.js';
import { enabledBehaviours, type Behaviour, type BehaviourSwitches } from './behaviours.js';
import { CampaignRuntime } from './campaign.js';
import { byCapability, emptyCorpora, loadCorpora, type Corpora } from './corpus.js';
import { agentUserAgent, asnsOf, type Asn, COMMON_EMAIL, companyDomain, COUNTRIES, DISPOSABLE_EMAIL, ipIn, ipv6For, subnetIn, UNIVERSITY_DOMAINS, userAgent, USER_AGENTS } from './network.js';
import { PRESETS, type ModelSpec, type PresetSpec } from './presets.js';
import { indexCorpus } from './prompts.js';
import { hash, hashString, Rng, SALT, Weighted } from './rng.js';
import { Clock, expectedTotal, PAT_CLASS, PAT_DIURNAL, PAT_FLAT, PAT_RUNS, PAT_SHIFT, PAT_WORKDAY, SLICE_MS, type Stream } from './schedule.js';
import { PRESET_NAMES, SimulateInputError, type PresetName } from './types.js';

export const ROLE_ATTACKER = 0;
export const ROLE_PROXY = 1;
export const ROLE_BENIGN = 2;
export const ROLE_NAMES = ['attacker', 'proxy_mixed', 'benign'] as const;

/** How an account's genuine traffic behaves. */
export const K_ORDINARY = 0;
export const K_CODING_AGENT = 1;
export const K_ENTERPRISE = 2;
export const K_CLASS = 3;
export const K_EVAL = 4;
export const K_SYNTH = 5;
export const K_MLCHAT = 6;

/** Requests per hour allowed per tier (the simulated provider's limits). */
export const HOUR_LIMIT: Record<string, number> = { free: 20, education: 40, trial: 20, startup: 120, paid: 300, enterprise: 3000 };

export interface NetProfile {
  /** Residential rotation: a fresh address in one of these ASNs per request. */
  rotate: Asn[] | null;
  /** Fixed addresses (the first is used most). */
  ips: string[];
  asns: Asn[];
}

export interface SimAccount {
  idx: number;
  id: string;
  role: number;
  /** Label group: look-alike group, 'ordinary', or the role for attacker/proxy accounts. */
  group: string;
  campaign: number;
  kind: number;
  orgId: string | null;
  tier: string;
  createdAt: number;
  verified: boolean;
  emailDomain: string;
  payment: string | null;
  signupIp: string;
  country: string;
  lang: string;
  /** UTC offset (hours) of the account's users. */
  tz: number;
  keys: string[];
  ua: string;
  api: ApiIndex;
  net: NetProfile;
  streams: Stream[];
  caps: Weighted<Capability>;
  multiTurn: number;
  streamShare: number;
  thinkShare: number;
  /** Thinking budgets this account uses when it asks for reasoning. */
  budgets: number[];
  system: string | null;
  systemShare: number;
  metaUser: string | null;
  temperature: number | null;
}

/** Plain data (structured-clonable) from which a world is built. */
export interface WorldConfig {
  preset: PresetName;
  scale: number;
  seed: number;
  /** Seed of the campaigns' operator identity (default: seed); see SimulateOptions.operatorSeed. */
  operatorSeed?: number;
  behaviours?: BehaviourSwitches;
  start?: string;
  end?: string;
  benignCorpus?: string[];
  templateCorpus?: string[];
  /** gzip level of the interactions (compression happens in the workers). */
  gzipLevel?: number;
}

export interface ModelPlan {
  old: Weighted<string>;
  /** Strongest model first: attackers prefer it. */
  attackOld: Weighted<string>;
  newModel: string | null;
  releaseMs: number;
  all: ModelSpec[];
}

export class World {
  readonly spec: PresetSpec;
  readonly clock: Clock;
  readonly seedMix: number;
  readonly behaviours: Set<Behaviour>;
  readonly campaigns: CampaignRuntime[] = [];
  readonly accounts: SimAccount[] = [];
  readonly models: ModelPlan;
  readonly corpora: Corpora;
  readonly corpusIdx: Map<Capability, number[]>;
  /** Pipeline templates and seed tasks by capability, for campaign traffic. */
  readonly campaignTemplates: Map<Capability, string[]>;
  readonly campaignSeeds: Map<Capability, string[]>;
  readonly startMs: number;
  readonly endMs: number;

  constructor(readonly cfg: WorldConfig) {
    if (!(PRESET_NAMES as readonly string[]).includes(cfg.preset)) throw new SimulateInputError(`unknown preset "${cfg.preset}" (choose one of ${PRESET_NAMES.join(', ')})`);
    if (!(cfg.scale > 0) || cfg.scale > 100) throw new SimulateInputError(`scale must be a number in (0, 100], got ${cfg.scale}`);
    if (cfg.gzipLevel !== undefined && !(Number.isInteger(cfg.gzipLevel) && cfg.gzipLevel >= 0 && cfg.gzipLevel <= 9)) throw new SimulateInputError(`gzip level must be a whole number 0-9, got ${cfg.gzipLevel}`);
    if (!Number.isSafeInteger(cfg.seed) || cfg.seed < 0) throw new SimulateInputError(`seed must be a non-negative integer, got ${cfg.seed}`);
    if (cfg.operatorSeed !== undefined && (!Number.isSafeInteger(cfg.operatorSeed) || cfg.operatorSeed < 0)) throw new SimulateInputError(`operator seed must be a non-negative integer, got ${cfg.operatorSeed}`);
    this.spec = PRESETS[cfg.preset];
    // slices are aligned on UTC midnight (hour-of-day shapes rely on it)
    this.startMs = Math.floor(parseDay(cfg.start ?? this.spec.start, 'start') / 86_400_000) * 86_400_000;
    this.endMs = cfg.end ? parseDay(cfg.end, 'end') : parseDay(this.spec.end, 'end') + 86_400_000;
    if (this.endMs - this.startMs < 86_400_000) throw new SimulateInputError('the window (start to end) must span at least one day');
    this.seedMix = hash(cfg.seed >>> 0, Math.floor(cfg.seed / 4294967296), hashString(cfg.preset));
    this.clock = new Clock(this.startMs, this.endMs, this.seedMix);
    this.behaviours = enabledBehaviours(cfg.behaviours);
    this.corpora = cfg.benignCorpus?.length || cfg.templateCorpus?.length ? loadCorpora(cfg.benignCorpus, cfg.templateCorpus) : emptyCorpora();
    this.corpusIdx = indexCorpus(this.corpora);
    this.campaignTemplates = byCapability(this.corpora.generationTemplates);
    this.campaignSeeds = byCapability(this.corpora.seedTasks);
    this.models = this.planModels();
    this.build();
  }

  private planModels(): ModelPlan {
    const inWindow = this.spec.models.filter((m) => parseDay(m.released, 'release') > this.startMs + 86_400_000 && parseDay(m.released, 'release') < this.endMs);
    const newSpec = inWindow[0] ?? null;
    let releaseMs = newSpec ? parseDay(newSpec.released, 'release') : Infinity;
    const all = this.spec.models.map((m) => ({ ...m }));
    // a new model released outside an overridden window is moved to 70% of it
    const declaredNew = this.spec.models.find((m) => m.weight === 0);
    let newModel = newSpec?.name ?? null;
    if (!newSpec && declaredNew) {
      releaseMs = this.startMs + Math.floor(((this.endMs - this.startMs) * 0.7) / 86_400_000) * 86_400_000;
      newModel = declaredNew.name;
      const m = all.find((x) => x.name === declaredNew.name);
      if (m) m.released = new Date(releaseMs).toISOString().slice(0, 10);
    }
    const olds = all.filter((m) => m.name !== newModel && m.weight > 0 && parseDay(m.released, 'release') < this.startMs + 86_400_000);
    const old = new Weighted(olds.map((m) => [m.name, m.weight] as const));
    const attackOld = new Weighted(olds.map((m, i) => [m.name, i === 0 ? 0.65 : m.weight * 0.35] as const));
    return { old, attackOld, newModel, releaseMs, all: all.filter((m) => parseDay(m.released, 'release') < this.endMs) };
  }

  /** Account by account; every account has its own RNG (seeded by index), groups share one per group. */
  private build(): void {
    const S = this.clock.slices;
    const scale = this.cfg.scale;
    let attackers = 0;
    this.spec.campaigns.forEach((cs, ci) => {
      const n = Math.max(3, Math.round(cs.accounts * scale));
      attackers += n;
      const rt = new CampaignRuntime(ci, cs, new Set(cs.behaviours.filter((b) => this.behaviours.has(b))), n, this.cfg.operatorSeed ?? this.cfg.seed, this.corpora);
      this.campaigns.push(rt);
      this.buildCampaign(rt, n, cs.interactions * scale, S);
    });
    const benign = Math.max(Math.round(this.spec.benignAccounts * scale), 10 * attackers + 40);
    const sizes: Array<[number, number]> = [
      [K_CODING_AGENT, Math.max(5, Math.round(benign * this.spec.lookalikes.coding_agent))],
      [K_ENTERPRISE, Math.max(6, Math.round(benign * this.spec.lookalikes.enterprise_nat))],
      [K_CLASS, Math.max(6, Math.round(benign * this.spec.lookalikes.class_signup))],
      [K_EVAL, Math.max(3, Math.round(benign * this.spec.lookalikes.eval_runs))],
      [K_SYNTH, Math.max(3, Math.round(benign * this.spec.lookalikes.synthetic_data))],
      [K_MLCHAT, Math.max(5, Math.round(benign * this.spec.lookalikes.multilingual_chat))],
    ];
    const grouped = sizes.reduce((a, [, n]) => a + n, 0);
    sizes.push([K_ORDINARY, Math.max(10, benign - grouped)]);
    for (const [kind, n] of sizes) this.buildBenign(kind, n, S);
    // strings built by concatenation are ropes of many small nodes; flat copies keep per-account memory small
    for (const a of this.accounts) {
      a.id = flat(a.id);
      a.keys = a.keys.map(flat);
      a.signupIp = flat(a.signupIp);
      a.ua = flat(a.ua);
      a.emailDomain = flat(a.emailDomain);
      if (a.payment) a.payment = flat(a.payment);
      if (a.metaUser) a.metaUser = flat(a.metaUser);
      a.net.ips = a.net.ips.map(flat);
    }
  }

  private newAccount(role: number, group: string, campaign: number, kind: number): [SimAccount, Rng] {
    const idx = this.accounts.length;
    const rng = new Rng(this.seedMix, SALT.account, idx, 0x5eed);
    const a: SimAccount = {
      idx,
      id: `acct_${rng.alnum(20)}`,
      role,
      group,
      campaign,
      kind,
      orgId: null,
      tier: 'free',
      createdAt: this.startMs,
      verified: true,
      emailDomain: 'gmail.com',
      payment: null,
      signupIp: '',
      country: 'US',
      lang: 'en',
      tz: 0,
      keys: [`key_${rng.hex(2)}`],
      ua: '',
      api: 0,
      net: { rotate: null, ips: [], asns: [] },
      streams: [],
      caps: GENERAL_CAPS,
      multiTurn: 0.3,
      streamShare: 0.2,
      thinkShare: 0.1,
      budgets: SMALL_BUDGETS,
      system: null,
      systemShare: 0,
      metaUser: null,
      temperature: null,
    };
    this.accounts.push(a);
    return [a, rng];
  }

  private buildCampaign(c: CampaignRuntime, n: number, interactions: number, S: number): void {
    const cs = c.spec;
    const cw0 = Math.floor(cs.window[0] * S);
    const cw1 = Math.max(cw0 + 24, Math.ceil(cs.window[1] * S));
    const len = cw1 - cw0;
    const proxies = c.has('proxy_mixing') && cs.proxyShare > 0 ? Math.min(n - 1, Math.max(2, Math.round(n * cs.proxyShare))) : 0;
    const grng = new Rng(c.seedHash, SALT.pool, n, 0x77);
    const farming = c.has('account_farming');
    const evade = c.has('rate_limit_evasion');
    // volumes: even-ish when staying under limits, concentrated on a few accounts otherwise
    const weights: number[] = [];
    for (let i = 0; i < n; i++) weights.push(evade ? grng.lognormal(1, 0.35) : grng.chance(0.15) ? 30 : 1);
    const wsum = weights.reduce((x, y) => x + y, 0);
    // sign-up batches: accounts farmed together share creation time, a subnet and a start
    let batchLeft = 0;
    let batchStart = cw0;
    let batchCreated = 0;
    let batchSubnet = '';
    let batchAsn: Asn = asnsOf('hosting')[0] as Asn;
    for (let i = 0; i < n; i++) {
      const isProxy = i < proxies;
      const [a, rng] = this.newAccount(isProxy ? ROLE_PROXY : ROLE_ATTACKER, isProxy ? 'proxy_mixed' : 'attacker', c.index, K_ORDINARY);
      if (batchLeft <= 0) {
        batchLeft = farming ? grng.range(20, 120) : 1;
        batchStart = cw0 + Math.floor(grng.float() * (isProxy ? 0.05 : 0.3) * len);
        batchCreated = this.clock.sliceStart(batchStart) - Math.floor((0.5 + grng.float() * 9.5) * 86_400_000);
        batchAsn = grng.chance(0.5) ? grng.pick(asnsOf('hosting')) : grng.pick(c.residential);
        batchSubnet = subnetIn(batchAsn, grng);
      }
      batchLeft--;
      // profile
      if (farming) {
        a.tier = new Weighted<string>([['free', 0.45], ['education', 0.25], ['startup', 0.2], ['paid', 0.1]]).pick(rng);
        a.emailDomain = a.tier === 'education' ? rng.pick(UNIVERSITY_DOMAINS) : rng.chance(0.5) ? rng.pick(DISPOSABLE_EMAIL) : rng.pick(COMMON_EMAIL);
        a.verified = rng.chance(a.tier === 'education' ? 0.8 : 0.35);
        a.payment = a.tier === 'free' ? null : (c.payments[Math.floor(rng.float() ** 2 * c.payments.length)] as string);
        a.createdAt = batchCreated + rng.int(40 * 60_000);
        a.signupIp = `${batchSubnet}.${1 + rng.int(254)}`;
        a.country = batchAsn.country;
      } else {
        a.tier = rng.chance(0.75) ? 'paid' : 'startup';
        a.emailDomain = rng.chance(0.6) ? rng.pick(COMMON_EMAIL) : companyDomain(rng);
        a.verified = rng.chance(0.92);
        a.payment = `fp_${rng.alnum(16)}`;
        const home = rng.pick(asnsOf('consumer'));
        a.createdAt = this.clock.sliceStart(cw0) - Math.floor((20 + rng.float() * 480) * 86_400_000);
        a.signupIp = ipIn(home, rng);
        a.country = home.country;
      }
      a.ua = userAgent(pickUa(rng), rng);
      a.api = c.apis.pick(rng);
      if (rng.chance(0.2)) a.keys.push(`key_${rng.hex(2)}`);
      if (c.has('ip_rotation')) a.net = { rotate: c.residential, ips: [], asns: [] };
      else {
        const k = c.dcIps.length;
        const first = c.dcIps[(i * 3) % k] as [string, Asn];
        const second = c.dcIps[(i * 3 + 1) % k] as [string, Asn];
        a.net = { rotate: null, ips: [first[0], second[0]], asns: [first[1], second[1]] };
      }
      a.temperature = c.temperature;
      a.streamShare = c.streamShare;
      // the attack stream
      const s0 = Math.min(cw1 - 24, batchStart + rng.int(12));
      const s1 = cw1 - Math.floor(rng.float() * (isProxy ? 0.02 : 0.1) * len);
      const total = (interactions * (weights[i] as number)) / wsum;
      const limit = HOUR_LIMIT[a.tier] ?? 20;
      a.streams.push({
        attack: true,
        rate: total / Math.max(1, s1 - s0),
        s0,
        s1,
        pattern: c.has('slow_and_low') ? PAT_FLAT : PAT_SHIFT,
        tz: c.shiftHour,
        salt: 1,
        cap: evade ? Math.max(1, Math.floor(limit * 0.8)) : 0,
        group: c.index,
        param: 0,
        param2: 0,
      });
      if (isProxy) {
        // the reseller's genuine customers on the same account, diurnal in their time zone
        const share = c.spec.proxyAttackShare;
        const country = rng.pick(COUNTRIES);
        a.lang = country[3];
        a.tz = country[2];
        a.caps = GENERAL_CAPS;
        a.streams.push({ attack: false, rate: (total * (1 - share)) / share / Math.max(1, s1 - s0), s0, s1, pattern: PAT_DIURNAL, tz: country[2], salt: 2, cap: 0, group: 0, param: 0, param2: 0 });
      }
    }
  }

  private benignBase(a: SimAccount, rng: Rng, preferNonEnglish = false): void {
    let country = COUNTRY_W.pick(rng);
    if (preferNonEnglish) while (country[3] === 'en' && rng.chance(0.85)) country = COUNTRY_W.pick(rng);
    a.country = country[0];
    a.lang = country[3] !== 'en' && (preferNonEnglish || rng.chance(0.45)) ? country[3] : 'en';
    const home = rng.pick(asnsOf('consumer', a.country));
    a.net = { rotate: null, ips: [ipIn(home, rng)], asns: [home] };
    if (rng.chance(0.3)) {
      const mob = rng.pick(asnsOf('mobile', a.country));
      a.net.ips.push(rng.chance(0.3) ? ipv6For(mob, rng) : ipIn(mob, rng));
      a.net.asns.push(mob);
    }
    a.signupIp = a.net.ips[0] as string;
    a.tier = rng.chance(0.55) ? 'free' : rng.chance(0.8) ? 'paid' : 'startup';
    a.emailDomain = rng.chance(0.75) ? rng.pick(COMMON_EMAIL) : companyDomain(rng);
    a.verified = rng.chance(0.9);
    a.payment = a.tier === 'free' ? null : `fp_${rng.alnum(16)}`;
    a.ua = userAgent(pickUa(rng), rng);
    a.api = API_W.pick(rng);
    a.temperature = rng.pick([null, null, 0, 0.2, 0.7, 1]);
    a.createdAt = this.startMs - Math.floor(rng.float() * 700 * 86_400_000);
    a.tz = country[2];
  }

  /** A benign stream of N calls: whole window for heavy users, a sub-window for light ones. */
  private benignStream(a: SimAccount, rng: Rng, N: number, pattern: number, tz: number, S: number): Stream {
    let s0 = 0;
    let s1 = S;
    if (N < 300) {
      const dur = Math.min(S, Math.max(24, Math.round(N * 24 * (0.3 + rng.float() * 2.7))));
      s0 = rng.int(S - dur + 1);
      s1 = s0 + dur;
    }
    if (a.createdAt > this.clock.sliceStart(s0)) a.createdAt = this.clock.sliceStart(s0) - rng.int(86_400_000);
    return { attack: false, rate: N / (s1 - s0), s0, s1, pattern, tz, salt: 2, cap: 0, group: 0, param: 0, param2: 0 };
  }

  private buildBenign(kind: number, n: number, S: number): void {
    const group = KIND_GROUP[kind] as string;
    const grng = new Rng(this.seedMix, SALT.org, kind, n);
    // shared by an organisation or a class
    let left = 0;
    let orgId = '';
    let orgDomain = '';
    let orgPay = '';
    let orgIps: string[] = [];
    let orgAsn: Asn = asnsOf('business')[0] as Asn;
    let orgCreated = 0;
    let orgTz = 0;
    let orgCountry = 'US';
    let orgSystem = '';
    let classDow = 2;
    let classHour = 10;
    let orgSize = 0;
    for (let i = 0; i < n; i++) {
      const [a, rng] = this.newAccount(ROLE_BENIGN, group, -1, kind);
      this.benignBase(a, rng, kind === K_MLCHAT);
      const tz = a.tz;
      switch (kind) {
        case K_ORDINARY: {
          const N = Math.min(20000, Math.round(rng.pareto(2, 1.3)));
          a.caps = ORDINARY_CAPS;
          a.streams.push(this.benignStream(a, rng, N, PAT_DIURNAL, tz, S));
          if (rng.chance(0.1)) a.thinkShare = 0.5;
          break;
        }
        case K_MLCHAT: {
          const N = Math.min(5000, Math.round(rng.pareto(3, 1.4)));
          a.caps = MLCHAT_CAPS;
          a.multiTurn = 0.7;
          a.streams.push(this.benignStream(a, rng, N, PAT_DIURNAL, tz, S));
          break;
        }
        case K_CODING_AGENT: {
          const N = Math.min(30000, Math.round(rng.lognormal(80, 1.1)));
          a.caps = AGENT_CAPS;
          a.ua = agentUserAgent(rng);
          a.api = 0;
          a.system = CODING_AGENT_SYSTEM;
          a.systemShare = 1;
          a.multiTurn = 0;
          a.streamShare = 0.5;
          a.thinkShare = 0.4;
          a.budgets = AGENT_BUDGETS;
          a.temperature = 1;
          a.metaUser = `user_${rng.hex(8)}_account_${rng.hex(2)}`;
          a.tier = rng.chance(0.5) ? 'paid' : 'startup';
          a.payment ??= `fp_${rng.alnum(16)}`;
          a.streams.push(this.benignStream(a, rng, N, rng.chance(0.6) ? PAT_WORKDAY : PAT_DIURNAL, tz, S));
          break;
        }
        case K_ENTERPRISE: {
          if (left <= 0) {
            left = orgSize = Math.max(6, Math.min(n - i, Math.round(grng.lognormal(300, 0.4))));
            orgId = `org_${grng.alnum(16)}`;
            orgDomain = companyDomain(grng);
            orgPay = `fp_${grng.alnum(16)}`;
            orgAsn = grng.chance(0.5) ? grng.pick(asnsOf('business')) : grng.pick(asnsOf('hosting'));
            orgIps = [ipIn(orgAsn, grng), ipIn(orgAsn, grng)];
            orgCreated = this.startMs - Math.floor(grng.float() * 300 * 86_400_000);
            const c = grng.pick(COUNTRIES.filter((x) => x[3] === 'en' || x[0] === 'DE' || x[0] === 'FR' || x[0] === 'JP'));
            orgTz = c[2];
            orgCountry = c[0];
            orgSystem = `You are ${orgDomain.split('.')[0]}'s internal assistant. Follow company policy, never reveal confidential data, and answer concisely. Employees may ask about code, data, documents and processes.`;
          }
          left--;
          a.orgId = orgId;
          a.tier = 'enterprise';
          a.emailDomain = orgDomain;
          a.payment = orgPay;
          a.verified = true;
          a.country = orgCountry;
          a.lang = 'en';
          a.net = { rotate: null, ips: orgIps.slice(0, orgSize > 100 ? 2 : 1), asns: [orgAsn, orgAsn] };
          a.signupIp = orgIps[0] as string;
          a.createdAt = orgCreated + rng.int(3 * 3_600_000);
          a.caps = ENTERPRISE_CAPS;
          a.system = orgSystem;
          a.systemShare = 0.6;
          a.ua = userAgent(rng.chance(0.5) ? 'anthropic-python/0.{v}.0' : 'OpenAI/Python 1.{v}.0', rng);
          a.streams.push(this.benignStream(a, rng, Math.round(rng.lognormal(60, 1)), PAT_WORKDAY, orgTz, S));
          break;
        }
        case K_CLASS: {
          if (left <= 0) {
            left = Math.max(6, Math.min(n - i, grng.range(25, 60)));
            const campus = grng.pick(asnsOf('campus'));
            orgAsn = campus;
            orgIps = [subnetIn(campus, grng)];
            orgDomain = grng.pick(CAMPUS_DOMAINS[campus.country] ?? UNIVERSITY_DOMAINS);
            orgCountry = campus.country;
            orgTz = COUNTRIES.find((x) => x[0] === campus.country)?.[2] ?? 0;
            classDow = grng.range(1, 5);
            classHour = grng.range(9, 15);
            // sign-up session: a weekday morning in the first 40% of the window
            const day = grng.int(Math.max(1, Math.floor((S / 24) * 0.4)));
            orgCreated = this.startMs + day * 86_400_000 + (classHour - orgTz) * 3_600_000;
          }
          left--;
          a.tier = 'education';
          a.emailDomain = orgDomain;
          a.verified = rng.chance(0.9);
          a.payment = null;
          a.country = orgCountry;
          a.lang = 'en';
          a.createdAt = orgCreated + rng.int(55 * 60_000);
          a.signupIp = `${orgIps[0]}.${1 + rng.int(254)}`;
          a.net = { rotate: null, ips: [a.signupIp, ...a.net.ips.slice(0, 1)], asns: [orgAsn, ...a.net.asns.slice(0, 1)] };
          a.caps = CLASS_CAPS;
          a.ua = userAgent(rng.chance(0.6) ? 'anthropic-python/0.{v}.0' : 'OpenAI/Python 1.{v}.0', rng);
          const s0 = Math.max(0, this.clock.sliceOf(a.createdAt) + 1);
          const N = Math.round(rng.lognormal(30, 0.8));
          a.streams.push({ attack: false, rate: N / Math.max(1, S - s0), s0: Math.min(s0, S - 1), s1: S, pattern: PAT_CLASS, tz: orgTz, salt: 2, cap: 0, group: classDow, param: classHour, param2: 0 });
          break;
        }
        case K_EVAL: {
          const hosting = rng.pick(asnsOf('hosting'));
          a.net = { rotate: null, ips: [ipIn(hosting, rng)], asns: [hosting] };
          a.tier = rng.chance(0.5) ? 'enterprise' : 'paid';
          a.payment = `fp_${rng.alnum(16)}`;
          a.emailDomain = companyDomain(rng);
          a.caps = EVAL_CAPS;
          a.multiTurn = 0;
          a.temperature = 0;
          a.streamShare = 0;
          a.thinkShare = rng.chance(0.4) ? 1 : 0;
          a.budgets = EVAL_BUDGETS;
          a.ua = userAgent(rng.pick(['anthropic-python/0.{v}.0', 'OpenAI/Python 1.{v}.0', 'litellm/1.{v}.3']), rng);
          const runs = rng.range(2, 4);
          const dur = rng.range(2, 5);
          a.streams.push({ attack: false, rate: rng.lognormal(220, 0.5), s0: 0, s1: S, pattern: PAT_RUNS, tz: 0, salt: 2, cap: 0, group: 0, param: runs, param2: dur });
          break;
        }
        case K_SYNTH: {
          const hosting = rng.pick(asnsOf('hosting'));
          a.net = { rotate: null, ips: [ipIn(hosting, rng)], asns: [hosting] };
          a.tier = rng.chance(0.6) ? 'startup' : 'paid';
          a.payment = `fp_${rng.alnum(16)}`;
          a.emailDomain = companyDomain(rng);
          a.caps = SYNTH_CAPS;
          a.multiTurn = 0;
          a.streamShare = 0;
          a.temperature = rng.pick([0.7, 0.9, 1]);
          const N = Math.round(rng.lognormal(500, 0.6));
          const dur = Math.min(S, rng.range(3, 20) * 24);
          const s0 = rng.int(S - dur + 1);
          if (a.createdAt > this.clock.sliceStart(s0)) a.createdAt = this.clock.sliceStart(s0) - 86_400_000;
          a.streams.push({ attack: false, rate: N / dur, s0, s1: s0 + dur, pattern: PAT_FLAT, tz: 0, salt: 2, cap: 0, group: 0, param: 0, param2: 0 });
          break;
        }
      }
    }
  }

  /** Expected interactions over the whole window (for planning units and progress). */
  expectedTotal(): number {
    let t = 0;
    for (const a of this.accounts) for (const st of a.streams) t += expectedTotal(st);
    return t;
  }

  /** Expected interactions per slice (for cutting the window into work units of similar size). */
  expectedPerSlice(): Float64Array {
    const S = this.clock.slices;
    const diff = new Float64Array(S + 1);
    for (const a of this.accounts)
      for (const st of a.streams) {
        const r = st.pattern === PAT_RUNS ? expectedTotal(st) / Math.max(1, st.s1 - st.s0) : st.rate;
        diff[st.s0] = (diff[st.s0] as number) + r;
        diff[st.s1] = (diff[st.s1] as number) - r;
      }
    const out = new Float64Array(S);
    let run = 0;
    for (let s = 0; s < S; s++) {
      run += diff[s] as number;
      out[s] = Math.max(0, run);
    }
    return out;
  }

  sliceMs(): number {
    return SLICE_MS;
  }
}

/** University e-mail domains by campus-network country (so a class's domain matches its network). */
const CAMPUS_DOMAINS: Record<string, string[]> = { US: ['mit.edu', 'berkeley.edu', 'wisc.edu', 'ucsd.edu'], GB: ['ox.ac.uk', 'ucl.ac.uk'], DE: ['tum.de', 'uni-heidelberg.de'], FR: ['ens.fr', 'sorbonne-universite.fr'], CN: ['tsinghua.edu.cn', 'pku.edu.cn'] };

const SMALL_BUDGETS = [1024, 2048, 4096];
const AGENT_BUDGETS = [4000, 10000, 31999];
const EVAL_BUDGETS = [16000, 32000];

/** A flat (non-rope) copy of a string. */
function flat(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

const KIND_GROUP = ['ordinary', 'coding_agent', 'enterprise_nat', 'class_signup', 'eval_runs', 'synthetic_data', 'multilingual_chat'];

const COUNTRY_W = new Weighted(COUNTRIES.map((c) => [c, c[1]] as const));
const API_W = new Weighted<ApiIndex>([[0, 0.5], [1, 0.38], [2, 0.12]]);
const UA_W = new Weighted(USER_AGENTS.map(([u, w]) => [u, w] as const));
function pickUa(rng: Rng): string {
  return UA_W.pick(rng);
}

const GENERAL_CAPS = new Weighted<Capability>([['general_chat', 0.3], ['knowledge_qa', 0.2], ['coding', 0.18], ['creative_writing', 0.1], ['translation', 0.06], ['data_analysis', 0.05], ['software_engineering', 0.05], ['reasoning_math', 0.04], ['vision', 0.02]]);
const ORDINARY_CAPS = new Weighted<Capability>([['general_chat', 0.28], ['knowledge_qa', 0.2], ['coding', 0.2], ['creative_writing', 0.1], ['translation', 0.05], ['data_analysis', 0.05], ['software_engineering', 0.05], ['reasoning_math', 0.04], ['vision', 0.02], ['agentic_tool_use', 0.01]]);
const MLCHAT_CAPS = new Weighted<Capability>([['general_chat', 0.6], ['translation', 0.15], ['knowledge_qa', 0.15], ['creative_writing', 0.1]]);
const AGENT_CAPS = new Weighted<Capability>([['agentic_tool_use', 0.65], ['coding', 0.2], ['software_engineering', 0.15]]);
const ENTERPRISE_CAPS = new Weighted<Capability>([['software_engineering', 0.22], ['coding', 0.2], ['data_analysis', 0.2], ['knowledge_qa', 0.15], ['general_chat', 0.1], ['creative_writing', 0.05], ['translation', 0.05], ['vision', 0.03]]);
const CLASS_CAPS = new Weighted<Capability>([['knowledge_qa', 0.3], ['reasoning_math', 0.3], ['coding', 0.3], ['general_chat', 0.1]]);
const EVAL_CAPS = new Weighted<Capability>([['reasoning_math', 0.45], ['knowledge_qa', 0.25], ['coding', 0.15], ['rubric_grading', 0.15]]);
const SYNTH_CAPS = new Weighted<Capability>([['creative_writing', 0.55], ['general_chat', 0.25], ['knowledge_qa', 0.2]]);

/** The popular coding agent's long system prompt: identical for all its users. */
export const CODING_AGENT_SYSTEM =
  'You are an interactive CLI tool that helps users with software engineering tasks. Use the instructions below and the tools available to you to assist the user.\n' +
  '# Tone\nBe concise and direct. Explain non-trivial commands before running them.\n' +
  '# Doing tasks\n1. Search the codebase to understand the request.\n2. Implement the solution with the tools available.\n3. Verify with the project\'s tests; never assume a test framework.\n' +
  '# Tool policy\nPrefer Grep over Bash for searching. Never commit unless asked.\nEnvironment: repository root; platform linux.';

function parseDay(s: string, what: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (!Number.isFinite(t)) throw new SimulateInputError(`${what} is not an ISO date: ${s}`);
  return t;
}
