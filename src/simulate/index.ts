/**
 * `simulate()`: a deterministic, labelled traffic simulator of distillation campaigns and the legitimate
 * look-alikes that resemble them. See docs in each module:
 *   world.ts (accounts and streams), schedule.ts (when), record.ts (what), bodies.ts (API shapes),
 *   generate.ts / run.ts / worker.ts (units, threads, gzip members), outputs.ts (labels, truth, manifest).
 *
 * Output order: records are sorted by timestamp across the whole file (each work unit covers consecutive
 * one-hour slices and is sorted before compression; units are written in order).
 */
import { mkdirSync, openSync, closeSync, writeSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BEHAVIOURS } from './behaviours.js';
import { planUnits, writeMember, type UnitResult } from './generate.js';
import { accountOrder, campaignTruth, writeAccounts, writeLabels } from './outputs.js';
import { runUnits } from './run.js';
import { SLICE_MS } from './schedule.js';
import { SimulateInputError, type CountByKind, type SimulateOptions, type SimulateSummary } from './types.js';
import { ROLE_NAMES, World, type WorldConfig } from './world.js';
import { campStride } from './generate.js';

export { BEHAVIOURS, enabledBehaviours, isBehaviour, onlyBehaviours, type Behaviour, type BehaviourSwitches } from './behaviours.js';
export { PRESETS } from './presets.js';
export { PRESET_NAMES, SimulateInputError, type PresetName, type SimulateOptions, type SimulateSummary } from './types.js';

export const OUTPUT_FILES = ['interactions.jsonl.gz', 'accounts.jsonl', 'labels.jsonl', 'campaigns_truth.json', 'manifest.json'] as const;

export async function simulate(opts: SimulateOptions): Promise<SimulateSummary> {
  const t0 = performance.now();
  if (!opts.outDir) throw new SimulateInputError('an output folder is required');
  const cfg: WorldConfig = {
    preset: opts.preset,
    scale: opts.scale,
    seed: opts.seed,
    operatorSeed: opts.operatorSeed,
    behaviours: opts.behaviours,
    start: opts.start,
    end: opts.end,
    benignCorpus: opts.benignCorpus,
    templateCorpus: opts.templateCorpus,
    gzipLevel: opts.gzipLevel,
  };
  const world = new World(cfg);
  try {
    mkdirSync(opts.outDir, { recursive: true });
  } catch (e) {
    throw new SimulateInputError(`cannot create output folder ${opts.outDir}: ${(e as Error).message}`);
  }
  const units = planUnits(world.expectedPerSlice());
  const planned = Math.round(world.expectedTotal());
  const workers = opts.workers ?? Math.min(4, availableParallelism());

  const n = world.accounts.length;
  const total = new Int32Array(n);
  const dist = new Int32Array(n);
  const stride = campStride(world.models.all.length);
  const camp = new Float64Array(world.campaigns.length * stride);
  for (let c = 0; c < world.campaigns.length; c++) {
    camp[c * stride + 1] = Infinity;
    camp[c * stride + 2] = -Infinity;
  }
  let records = 0;
  let rawBytes = 0;
  const gzPath = join(opts.outDir, 'interactions.jsonl.gz');
  const fd = openSync(gzPath, 'w');
  let wroteAny = false;
  try {
    await runUnits(world, cfg, units, workers, async (r: UnitResult) => {
      if (r.gz.length > 0) {
        writeMember(fd, r);
        wroteAny = true;
      }
      records += r.records;
      rawBytes += r.rawBytes;
      for (let i = 0; i < r.acct.length; i += 3) {
        const a = r.acct[i] as number;
        total[a] = (total[a] as number) + (r.acct[i + 1] as number);
        dist[a] = (dist[a] as number) + (r.acct[i + 2] as number);
      }
      for (let c = 0; c < world.campaigns.length; c++) {
        const o = c * stride;
        camp[o] = (camp[o] as number) + (r.camp[o] as number);
        camp[o + 1] = Math.min(camp[o + 1] as number, r.camp[o + 1] as number);
        camp[o + 2] = Math.max(camp[o + 2] as number, r.camp[o + 2] as number);
        for (let j = 3; j < stride; j++) camp[o + j] = (camp[o + j] as number) + (r.camp[o + j] as number);
      }
      opts.onProgress?.(records, Math.max(planned, records));
    });
    // an empty .gz member keeps an empty data set a valid gzip file
    if (!wroteAny) writeSync(fd, (await import('node:zlib')).gzipSync(Buffer.alloc(0)));
  } finally {
    closeSync(fd);
  }

  const order = accountOrder(world);
  const files: Record<string, number> = {};
  files['interactions.jsonl.gz'] = statSync(gzPath).size;
  files['accounts.jsonl'] = await writeAccounts(join(opts.outDir, 'accounts.jsonl'), order);
  files['labels.jsonl'] = await writeLabels(join(opts.outDir, 'labels.jsonl'), world, order, total, dist);
  const truth = campaignTruth(world, camp, stride, total);
  const truthText = JSON.stringify(truth, null, 2) + '\n';
  writeFileSync(join(opts.outDir, 'campaigns_truth.json'), truthText);
  files['campaigns_truth.json'] = Buffer.byteLength(truthText);

  // summary counts
  const roles: Record<string, CountByKind> = {};
  const groups: Record<string, CountByKind> = {};
  const campaigns: Record<string, CountByKind> = {};
  const bump = (m: Record<string, CountByKind>, k: string, t: number, d: number) => {
    const e = (m[k] ??= { accounts: 0, interactions: 0, distillation_interactions: 0 });
    e.accounts++;
    e.interactions += t;
    e.distillation_interactions += d;
  };
  let distTotal = 0;
  for (const a of world.accounts) {
    const t = total[a.idx] as number;
    const d = dist[a.idx] as number;
    distTotal += d;
    bump(roles, ROLE_NAMES[a.role] as string, t, d);
    if (a.campaign >= 0) bump(campaigns, world.campaigns[a.campaign]?.spec.id as string, t, d);
    else bump(groups, a.group, t, d);
  }

  const seconds = (performance.now() - t0) / 1000;
  const manifest = {
    generator: 'distillguard simulate',
    format_version: 1,
    preset: opts.preset,
    description: world.spec.description,
    scale: opts.scale,
    seed: opts.seed,
    operator_seed: opts.operatorSeed ?? opts.seed,
    start: new Date(world.startMs).toISOString(),
    end: new Date(world.endMs).toISOString(),
    slice_ms: SLICE_MS,
    ordering: 'interactions sorted by ts (ties in generation order)',
    counts: { accounts: n, interactions: records, distillation_interactions: distTotal, roles, groups, campaigns },
    models: world.models.all.map((m) => ({ name: m.name, released: m.released, new_in_window: m.name === world.models.newModel })),
    new_model: world.models.newModel ? { name: world.models.newModel, released: new Date(world.models.releaseMs).toISOString() } : null,
    behaviours: BEHAVIOURS.filter((b) => world.behaviours.has(b)),
    campaigns: world.campaigns.map((c) => ({ campaign_id: c.spec.id, behaviours: [...c.behaviours].sort() })),
    corpora: { benign: opts.benignCorpus ?? [], templates: opts.templateCorpus ?? [] },
    files: { ...files },
    raw_interactions_bytes: rawBytes,
    units: units.length,
    gzip_level: opts.gzipLevel ?? 1,
  };
  const manText = JSON.stringify(manifest, null, 2) + '\n';
  writeFileSync(join(opts.outDir, 'manifest.json'), manText);
  files['manifest.json'] = Buffer.byteLength(manText);

  return {
    preset: opts.preset,
    scale: opts.scale,
    seed: opts.seed,
    outDir: opts.outDir,
    start: manifest.start,
    end: manifest.end,
    accounts: n,
    interactions: records,
    distillation_interactions: distTotal,
    roles,
    groups,
    campaigns,
    files,
    raw_bytes: rawBytes,
    seconds,
    interactions_per_second: records / Math.max(seconds, 1e-9),
  };
}
