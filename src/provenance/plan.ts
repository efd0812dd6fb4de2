/**
 * Sample-size planning: how many suspect outputs does it take to reach a target p-value, given how many
 * distinct sites an output brings and the hit rate expected in a student (the share of sites where it uses the
 * keyed choice; 1 for the served text itself, lower for a model that learned the mark partly)?
 *
 * With n distinct sites, null hit rate p0 (variance v0 = mean p_i(1 - p_i)) and student hit rate r, the hit
 * count is about n r with sd sqrt(n r (1 - r)); it must clear n p0 + z_a sqrt(n v0), where z_a is the normal
 * quantile of the target p, with the stated power:  sqrt(n) >= (z_a sqrt(v0) + z_b sqrt(r(1-r))) / (r - p0).
 * Distinct sites grow more slowly than outputs on repetitive text, so treat the output count as a lower bound
 * when the sites-per-output figure came from a small sample.
 */
import { normalQuantileUpper } from './stats.js';

export interface PlanInput {
  targetP: number;
  hitRate: number;
  sitesPerOutput: number;
  /** Mean null hit probability per site. */
  nullRate: number;
  /** Mean p_i(1 - p_i) per site (default nullRate(1 - nullRate)). */
  nullVariance?: number;
  /** Probability of reaching the target when the student really has `hitRate` (default 0.95). */
  power?: number;
}

export interface Plan extends Required<PlanInput> {
  zTarget: number;
  /** Distinct sites needed; Infinity when hitRate <= nullRate. */
  sites: number;
  /** Outputs needed (sites / sitesPerOutput, rounded up). */
  outputs: number;
}

export function planOutputs(input: PlanInput): Plan {
  const power = input.power ?? 0.95;
  const v0 = input.nullVariance ?? input.nullRate * (1 - input.nullRate);
  const r = input.hitRate;
  const zTarget = normalQuantileUpper(input.targetP);
  const zPower = normalQuantileUpper(1 - power);
  let sites = Infinity;
  if (r > input.nullRate) {
    const root = (zTarget * Math.sqrt(v0) + Math.max(0, zPower) * Math.sqrt(r * (1 - r))) / (r - input.nullRate);
    sites = Math.ceil(root * root);
  }
  const outputs = input.sitesPerOutput > 0 ? Math.ceil(sites / input.sitesPerOutput) : Infinity;
  return { ...input, power, nullVariance: v0, zTarget, sites, outputs };
}
