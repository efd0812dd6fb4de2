/** Plain-text reports for the provenance commands. */
import type { DemoResult } from './demo.js';
import type { Plan } from './plan.js';
import type { VerifyReport } from './verify.js';

export function fmtP(p: number, log10p: number): string {
  if (p >= 1e-4) return p.toFixed(4);
  if (p > 0) return p.toExponential(1);
  return `1e${Math.floor(log10p)}`;
}

function pad(rows: string[][]): string {
  const w: number[] = [];
  for (const r of rows) r.forEach((c, i) => (w[i] = Math.max(w[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd()).join('\n');
}

export function formatVerify(r: VerifyReport): string {
  const verdict = r.sites === 0 ? 'no watermark sites: nothing can be concluded' : r.p < 1e-6 ? 'WATERMARK PRESENT (p < 1e-6)' : r.p < 0.01 ? 'evidence of the watermark (p < 0.01); gather more text to confirm' : 'no evidence of the watermark';
  return [
    `key ${r.keyId}`,
    `texts ${r.texts}, prose words ${r.words}, site occurrences ${r.occurrences}, distinct sites ${r.sites} (${r.mixed} with mixed choices)`,
    `hits ${r.hits} of ${r.sites} (rate ${r.hitRate.toFixed(3)}; expected without the mark ${r.expected.toFixed(1)}, rate ${r.nullRate.toFixed(3)})`,
    `z = ${r.z.toFixed(2)}, one-sided p = ${fmtP(r.p, r.log10p)} (${r.method === 'exact' ? 'exact Poisson-binomial' : 'Chernoff upper bound'})`,
    verdict,
  ].join('\n');
}

export function formatPlan(p: Plan): string {
  return [
    `target p ${p.targetP} (z ${p.zTarget.toFixed(2)}), power ${p.power}`,
    `expected student hit rate ${p.hitRate}, null rate ${p.nullRate.toFixed(3)}, distinct sites per output ${p.sitesPerOutput.toFixed(2)}`,
    Number.isFinite(p.sites)
      ? `needs about ${p.sites} distinct sites = ${p.outputs} suspect outputs (a lower bound if outputs repeat themselves)`
      : 'the hit rate is not above the null rate: no number of outputs will do',
  ].join('\n');
}

export function formatDemo(d: DemoResult): string {
  const t = d.teacher;
  const lines: string[] = [];
  lines.push(`Campaign key ${d.keyId} (seed ${d.seed}); teacher: ${t.texts} ${t.source}`);
  lines.push(`Served: ${t.words} prose words, ${t.sites} sites, ${t.changed} words changed (${(100 * t.changedShare).toFixed(2)}%), ${t.denied} sites left by the change budget`);
  lines.push(`Students: order-${d.student.order} Kneser-Ney n-grams trained on ${d.student.trainedOn} responses`);
  lines.push('');
  lines.push('Detection (campaign key)');
  const rows = [['suspect', 'outputs', 'sites', 'hit rate', 'null rate', 'z', 'p']];
  for (const r of d.detection) rows.push([r.name, String(r.outputs), String(r.report.sites), r.report.hitRate.toFixed(3), r.report.nullRate.toFixed(3), r.report.z.toFixed(2), fmtP(r.report.p, r.report.log10p)]);
  lines.push(pad(rows));
  if (d.fpr.length > 0) {
    lines.push('');
    lines.push(`False positives (p <= ${d.alpha}), each trial a fresh random key and a fresh random subset`);
    const f = [['null case', 'trials', 'outputs', 'sites', 'rejected', 'rate', '95% upper', 'median p']];
    for (const r of d.fpr) f.push([r.name, String(r.trials), String(r.outputsPerTrial), r.meanSites.toFixed(0), String(r.rejections), r.rate.toFixed(4), r.upper95.toFixed(4), r.medianP.toFixed(3)]);
    lines.push(pad(f));
  }
  lines.push('');
  lines.push(`Plan: at the measured hit rate ${d.plan.hitRate.toFixed(3)} and ${d.plan.sitesPerOutput.toFixed(2)} distinct sites/output, p < 1e-6 needs about ${d.plan.outputs} outputs (95% power)`);
  lines.push(`(${d.seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
