/**
 * Gateway benchmark (loopback only, bounded in count and time).
 *
 *   node dist/bench/gateway.js [--rate 1000] [--seconds 5] [--concurrency 64] [--throughput-seconds 5]
 *                              [--detector thread|inline|off] [--profile DIR]
 *
 * 1. Added latency: an open-loop load of `rate` non-streamed Chat Completions requests/s for `seconds`, first
 *    straight to the mock upstream, then through the gateway (enforce mode, a policy with rules, a keys file,
 *    a verdict table, JSONL logging on, the streaming detector as --detector says: on its thread by default, as
 *    `distillguard gateway` runs), and through the bare proxy below; reports p50/p99 of each and the differences.
 *    The gateway prints its own event-loop delay and GC pauses when it stops; --profile writes its CPU profile.
 * 2. Throughput: a closed loop of `concurrency` clients for `throughput-seconds` through the gateway and through
 *    a bare node:http proxy doing no checks; reports requests/s of each and their ratio.
 * The mock, the gateway and the bare proxy run as child processes (this script with --role); the load
 * generator runs here.
 *
 *   node dist/bench/gateway.js --watermark [--rate 100] [--seconds 5] [--sentences 45] [--throughput-seconds 3]
 *
 * The watermark action instead: an upstream answering every request with different prose of about 600 words
 * (watermark-testkit.ts; --sentences sets the length), two gateways in front of it, one serving the account
 * as allow and one under a watermark rule (key and a 5% change budget), the same open-loop load straight to
 * the upstream and through each; reports p50/p99 and what the watermark adds, closed-loop throughput of both
 * gateways, the CPU time of marking one response body in this process, and the share of words changed (from
 * the watermark gateway's log).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Gateway } from '../src/enforce/gateway.js';
import { loadKeys } from '../src/enforce/identity.js';
import { JsonlWriter } from '../src/enforce/log.js';
import { MockUpstream } from '../src/enforce/mock-upstream.js';
import { loadPolicy } from '../src/enforce/policy.js';
import { StaticVerdicts, type VerdictSource } from '../src/enforce/verdicts.js';
import { DetectorThread } from '../src/stream/detector-thread.js';
import { loadModel } from '../src/detect/analyze.js';
import { CombinedVerdicts } from '../src/stream/combined.js';
import { OnlineDetector } from '../src/stream/detector.js';
import { setWatermarkKey } from '../src/enforce/watermark.js';
import { ProseUpstream } from '../src/enforce/watermark-testkit.js';
import { watermarkResponseBody } from '../src/provenance/body.js';
import { RawClient } from './rawhttp.js';
import { generateKey, readKey, writeKey } from '../src/provenance/key.js';
import { createWatermarker } from '../src/provenance/watermark.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};

const BODY = JSON.stringify({ model: 'gpt-bench', max_completion_tokens: 64, messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Summarise the benefits of keep-alive connections in one line.' }] });
const KEY = 'sk-bench-key';

// ------------------------------------------------------------------ child roles

async function role(r: string): Promise<void> {
  const port = Number(opt('port', '0'));
  let listening: Promise<number>;
  if (r === 'mock') listening = new MockUpstream().listen(port);
  else if (r === 'prose') {
    const n = Number(opt('sentences', '45'));
    listening = new ProseUpstream({ minSentences: n, maxSentences: n }).listen(port);
  } else if (r === 'gateway') {
    const dir = opt('dir', tmpdir());
    const name = opt('name', 'gateway');
    const logSink = new JsonlWriter(join(dir, `${name}.jsonl`));
    const gw = new Gateway({
      upstream: opt('upstream', ''),
      policy: loadPolicy(join(dir, `${name === 'gateway' ? 'policy' : name}.json`)),
      keys: loadKeys(join(dir, 'keys.json')),
      verdicts: verdictSource(opt('detector', 'thread'), StaticVerdicts.fromFile(join(dir, 'verdicts.jsonl'))),
      log: logSink,
    });
    if (opt('watermark-key', '') !== '') setWatermarkKey(gw, readKey(opt('watermark-key', '')));
    listening = gw.listen(port);
    procStats(name, () => logSink.lines, () => gw.close(1000));
  } else {
    listening = bareProxy(opt('upstream', ''), port);
    procStats('bare proxy', () => bareCalls, async () => {});
  }
  const p = await listening;
  process.stdout.write(`PORT ${p}\n`);
}

/**
 * As `distillguard gateway` runs by default (`thread`): the batch table and the streaming detector on a worker
 * thread, fed every call; `inline`: the detector on the event loop's thread (--no-detector-thread); `off`: the
 * table alone (--no-detector).
 */
function verdictSource(mode: string, fixed: StaticVerdicts): VerdictSource {
  if (mode === 'off') return fixed;
  if (mode === 'inline') return new CombinedVerdicts(fixed, new OnlineDetector(loadModel()));
  if (mode === 'thread') return new CombinedVerdicts(fixed, new DetectorThread(loadModel()));
  throw new Error(`--detector: expected thread, inline or off, got ${mode}`);
}

let bareCalls = 0;

/**
 * What a proxy process spent: CPU per call (all threads), event-loop delay and GC pauses, what tail latencies are
 * made of. SIGUSR2 starts the count afresh (sent after the warm-up, so start-up and warm-up are not counted);
 * SIGUSR1 prints it for the phase that just ended (the open-loop latency run), SIGTERM for the last one (throughput).
 */
function procStats(name: string, calls: () => number, close: () => Promise<void>): void {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  let gcMs = 0;
  let gcMax = 0;
  let gcs = 0;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      gcs++;
      gcMs += e.duration;
      gcMax = Math.max(gcMax, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let cpu0 = process.cpuUsage();
  let calls0 = 0;
  process.on('SIGUSR2', () => {
    cpu0 = process.cpuUsage();
    calls0 = calls();
    eld.reset();
    gcMs = gcMax = gcs = 0;
  });
  const report = (phase: string) => {
    const ms = (ns: number) => (ns / 1e6).toFixed(2);
    const c = process.cpuUsage(cpu0);
    const n = calls() - calls0;
    process.stderr.write(`${name}, ${phase}: ${n} calls, CPU ${((c.user + c.system) / Math.max(1, n)).toFixed(0)} µs per call (all threads); event-loop delay p50 ${ms(eld.percentile(50))} p99 ${ms(eld.percentile(99))} max ${ms(eld.max)} ms; GC ${gcs} pauses, ${gcMs.toFixed(0)} ms in all, longest ${gcMax.toFixed(2)} ms\n`);
  };
  process.on('SIGUSR1', () => report('latency run'));
  process.on('SIGTERM', () => {
    report('throughput run');
    void close().then(() => process.exit(0));
  });
}

/** A reverse proxy doing no checks: the baseline for throughput. */
function bareProxy(upstream: string, port: number): Promise<number> {
  const u = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const server = http.createServer((req, res) => {
    bareCalls++;
    const up = http.request({ hostname: u.hostname, port: u.port, method: req.method, path: req.url, headers: req.headers, agent }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function startChild(r: string, extra: string[]): Promise<{ proc: ChildProcess; url: string }> {
  // --profile DIR: the gateway child writes a CPU profile there (node --cpu-prof) when it exits.
  const prof = r === 'gateway' && opt('profile', '') !== '' ? ['--cpu-prof', `--cpu-prof-dir=${opt('profile', '')}`] : [];
  const proc = spawn(process.execPath, [...prof, fileURLToPath(import.meta.url), '--role', r, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /PORT (\d+)/.exec(buf);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}` });
    });
    proc.once('exit', (code) => reject(new Error(`${r} exited (${code})`)));
  });
}

// ------------------------------------------------------------------ load generation

/** Load-generator clients, one per server (raw keep-alive sockets: rawhttp.ts says why). */
const clients = new Map<string, RawClient>();

/** Request bodies: the fixed one, or (watermark runs) a different question each time, so each answer differs. */
let bodyOf = (): string => BODY;
let asked = 0;

function once(url: URL): Promise<number> {
  let c = clients.get(url.origin);
  if (c === undefined) {
    c = new RawClient(url.origin, '/v1/chat/completions', { 'content-type': 'application/json', authorization: `Bearer ${KEY}` });
    clients.set(url.origin, c);
  }
  return c.post(bodyOf());
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Open loop: `rate` requests/s for `seconds`; returns sorted latencies (ms). */
async function openLoop(base: string, rate: number, seconds: number): Promise<number[]> {
  const url = new URL(base);
  const total = Math.round(rate * seconds);
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    for (; sent < due; sent++) pending.push(once(url).then((ms) => void lat.push(ms)));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return lat.sort((a, b) => a - b);
}

/** Closed loop: `concurrency` clients for `seconds`; returns requests/s. */
async function closedLoop(base: string, concurrency: number, seconds: number): Promise<number> {
  const url = new URL(base);
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await once(url);
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const rate = Number(opt('rate', '1000'));
  const seconds = Number(opt('seconds', '5'));
  const concurrency = Number(opt('concurrency', '64'));
  const tput = Number(opt('throughput-seconds', '5'));
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-'));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ [KEY]: { account_id: 'acct-bench', org_id: 'org-bench' } }));
  writeFileSync(join(dir, 'verdicts.jsonl'), Array.from({ length: 1000 }, (_, i) => JSON.stringify({ account_id: `acct-${i}`, score: (i % 100) / 100, verdict: i % 10 === 0 ? 'distillation' : 'benign', campaign_id: i % 20 === 0 ? `c-${i % 7}` : null })).join('\n') + '\n');
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({
      mode: 'enforce',
      deny: { ips: ['203.0.113.0/24'], accounts: ['acct-1'] },
      // The load comes from one account: allow-listed so that every call is served (the detector still scores it).
      allow: { orgs: ['org-internal', 'org-bench'] },
      rules: [
        { when: { verdict: ['distillation'], score_gte: 0.9 }, action: 'block' },
        { when: { campaign: true }, action: 'throttle', throttle: { account: { requests: 10 } } },
        { when: { verdict: ['suspicious'] }, action: 'degrade' },
      ],
    }),
  );
  const children: ChildProcess[] = [];
  try {
    const mock = await startChild('mock', []);
    children.push(mock.proc);
    const gw = await startChild('gateway', ['--upstream', mock.url, '--dir', dir, '--detector', opt('detector', 'thread')]);
    children.push(gw.proc);
    const bare = await startChild('bare', ['--upstream', mock.url]);
    children.push(bare.proc);
    // Warm-up (JIT, connection pools).
    await openLoop(mock.url, rate, 1);
    await openLoop(gw.url, rate, 1);
    await openLoop(bare.url, rate, 1);
    gw.proc.kill('SIGUSR2');
    bare.proc.kill('SIGUSR2');
    // One-second slices in turn (direct, gateway, bare proxy, again...): a pause of the machine (this VM shows CPU
    // steal) then hits the three alike instead of whichever ran at the time.
    const direct: number[] = [];
    const via: number[] = [];
    const viaBare: number[] = [];
    for (let s = 0; s < seconds; s++) {
      for (const [url, into] of [[mock.url, direct], [gw.url, via], [bare.url, viaBare]] as const) for (const ms of await openLoop(url, rate, 1)) into.push(ms);
    }
    for (const l of [direct, via, viaBare]) l.sort((a, b) => a - b);
    gw.proc.kill('SIGUSR1');
    bare.proc.kill('SIGUSR1');
    await new Promise((r) => setTimeout(r, 100));
    gw.proc.kill('SIGUSR2');
    bare.proc.kill('SIGUSR2');
    const f = (x: number) => x.toFixed(3);
    console.log(`latency at ${rate} req/s, ${direct.length} requests each, in one-second slices taken in turn (ms):`);
    console.log(`  direct to mock  p50 ${f(pct(direct, 50))}  p99 ${f(pct(direct, 99))}`);
    console.log(`  via gateway     p50 ${f(pct(via, 50))}  p99 ${f(pct(via, 99))}`);
    console.log(`  via bare proxy  p50 ${f(pct(viaBare, 50))}  p99 ${f(pct(viaBare, 99))}`);
    console.log(`  added by gateway     p50 ${f(pct(via, 50) - pct(direct, 50))}  p99 ${f(pct(via, 99) - pct(direct, 99))}`);
    console.log(`  added by bare proxy  p50 ${f(pct(viaBare, 50) - pct(direct, 50))}  p99 ${f(pct(viaBare, 99) - pct(direct, 99))}`);
    const g = await closedLoop(gw.url, concurrency, tput);
    const b = await closedLoop(bare.url, concurrency, tput);
    console.log(`throughput, ${concurrency} concurrent clients, ${tput}s each (req/s):`);
    console.log(`  gateway ${g.toFixed(0)}  bare proxy ${b.toFixed(0)}  ratio ${(g / b).toFixed(2)}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    for (const c of clients.values()) c.close();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The watermark action: added latency and throughput against the same gateway serving as allow. */
async function watermarkMain(): Promise<void> {
  const rate = Number(opt('rate', '100'));
  const seconds = Number(opt('seconds', '5'));
  const concurrency = Number(opt('concurrency', '16'));
  const tput = Number(opt('throughput-seconds', '3'));
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-wm-'));
  bodyOf = () => JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'user', content: `Question ${asked++}: explain something.` }] });
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ [KEY]: { account_id: 'acct-bench', org_id: 'org-bench' } }));
  writeFileSync(join(dir, 'verdicts.jsonl'), JSON.stringify({ account_id: 'acct-bench', score: 0.8, verdict: 'distillation', campaign_id: 'c-1' }) + '\n');
  writeFileSync(join(dir, 'plain.json'), JSON.stringify({ mode: 'enforce', rules: [{ when: { campaign: true }, action: 'allow' }] }));
  writeFileSync(join(dir, 'marked.json'), JSON.stringify({ mode: 'enforce', rules: [{ when: { campaign: true }, action: 'watermark', watermark: { max_change_rate: 0.05 } }] }));
  const key = generateKey();
  writeKey(join(dir, 'wm.key.json'), key);
  const children: ChildProcess[] = [];
  try {
    const mock = await startChild('prose', ['--sentences', opt('sentences', '45')]);
    children.push(mock.proc);
    const plain = await startChild('gateway', ['--upstream', mock.url, '--dir', dir, '--name', 'plain']);
    children.push(plain.proc);
    const marked = await startChild('gateway', ['--upstream', mock.url, '--dir', dir, '--name', 'marked', '--watermark-key', join(dir, 'wm.key.json')]);
    children.push(marked.proc);
    for (const u of [mock.url, plain.url, marked.url]) await openLoop(u, rate, 1); // warm-up
    const direct = await openLoop(mock.url, rate, seconds);
    const viaPlain = await openLoop(plain.url, rate, seconds);
    const viaMarked = await openLoop(marked.url, rate, seconds);
    const f = (x: number) => x.toFixed(3);
    console.log(`watermark: non-streamed Chat Completions, about ${opt('sentences', '45')} sentences of prose per answer`);
    console.log(`latency at ${rate} req/s, ${direct.length} requests each (ms):`);
    console.log(`  direct to upstream       p50 ${f(pct(direct, 50))}  p99 ${f(pct(direct, 99))}`);
    console.log(`  via gateway, allow       p50 ${f(pct(viaPlain, 50))}  p99 ${f(pct(viaPlain, 99))}`);
    console.log(`  via gateway, watermark   p50 ${f(pct(viaMarked, 50))}  p99 ${f(pct(viaMarked, 99))}`);
    console.log(`  added by watermark       p50 ${f(pct(viaMarked, 50) - pct(viaPlain, 50))}  p99 ${f(pct(viaMarked, 99) - pct(viaPlain, 99))}`);
    if (tput > 0) {
      const a = await closedLoop(plain.url, concurrency, tput);
      const b = await closedLoop(marked.url, concurrency, tput);
      console.log(`throughput, ${concurrency} concurrent clients, ${tput}s each (req/s): allow ${a.toFixed(0)}  watermark ${b.toFixed(0)}  ratio ${(b / a).toFixed(2)}`);
    }
    // CPU of the mark alone, in this process once the children are stopped: parse, mark, serialise (what the
    // gateway adds per non-streamed response), with one shared watermarker as the gateway has; third round.
    const bodies: string[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf() });
      bodies.push(await res.text());
    }
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    const wm = createWatermarker(key, { maxChangeRate: 0.05 });
    let us = 0;
    let words = 0;
    for (let round = 0; round < 3; round++) {
      words = 0;
      const t0 = performance.now();
      for (const b of bodies) {
        const r = watermarkResponseBody(wm, JSON.parse(b));
        words += r.stats.words;
        JSON.stringify(r.body);
      }
      us = ((performance.now() - t0) * 1000) / bodies.length;
    }
    const bytes = bodies.reduce((a, b) => a + b.length, 0) / bodies.length;
    console.log(`CPU per response to parse, mark and serialise (in process): ${us.toFixed(0)} µs for ${(words / bodies.length).toFixed(0)} prose words, ${bytes.toFixed(0)} body bytes`);
    // Share of words changed, from the watermark gateway's log.
    let w = 0;
    let changed = 0;
    let sites = 0;
    let n = 0;
    for (const line of readFileSync(join(dir, 'marked.jsonl'), 'utf8').split('\n')) {
      if (line === '') continue;
      const note = (JSON.parse(line) as { decision?: { watermark?: { words: number; changed: number; sites: number } } }).decision?.watermark;
      if (note === undefined) continue;
      n++;
      w += note.words;
      changed += note.changed;
      sites += note.sites;
    }
    console.log(`changed words: ${changed} of ${w} prose words (${((100 * changed) / Math.max(1, w)).toFixed(2)}%), ${sites} sites, over ${n} logged responses`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    for (const c of clients.values()) c.close();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

const r = opt('role', '');
if (r !== '') void role(r);
else if (args.includes('--watermark'))
  watermarkMain().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
