/**
 * The statistics of the watermark test. Under H0 (the text was written without the key) the keyed choice at
 * each distinct site is independent of the observed word, so site i is a hit with probability p_i (the observed
 * member's share among the eligible members: 1/|set| for equal weights). The hit count is then a sum of
 * independent Bernoulli(p_i): a Poisson-binomial. We report its z-score (variance sum p_i(1-p_i), right for
 * mixed set sizes) and the exact one-sided p-value P(S >= hits), computed by convolving one binomial per
 * distinct p_i; when that is too much work or underflows, a Chernoff bound (an upper bound on p: conservative).
 */

/** One group of sites sharing a null hit probability. */
export interface SiteGroup {
  n: number;
  p: number;
}

export interface TestResult {
  sites: number;
  hits: number;
  /** Expected hits under H0. */
  expected: number;
  /** Variance of hits under H0. */
  variance: number;
  /** (hits - expected) / sqrt(variance); 0 when there are no sites. */
  z: number;
  /** One-sided p-value P(S >= hits | H0). */
  p: number;
  /** log10 of p (finite even when p underflows to 0). */
  log10p: number;
  /** 'exact' (Poisson-binomial) or 'chernoff' (an upper bound, used for huge or underflowing cases). */
  method: 'exact' | 'chernoff';
}

/** Largest number of multiply-adds spent on the exact convolution before falling back to the bound. */
const MAX_WORK = 3e8;

export function hitTest(groups: readonly SiteGroup[], hits: number): TestResult {
  const gs = groups.filter((g) => g.n > 0);
  let sites = 0;
  let expected = 0;
  let variance = 0;
  for (const g of gs) {
    sites += g.n;
    expected += g.n * g.p;
    variance += g.n * g.p * (1 - g.p);
  }
  const z = variance > 0 ? (hits - expected) / Math.sqrt(variance) : 0;
  if (hits <= 0) return { sites, hits, expected, variance, z, p: 1, log10p: 0, method: 'exact' };
  const exact = exactSf(gs, hits);
  if (exact !== null && exact > 1e-290) return { sites, hits, expected, variance, z, p: Math.min(1, exact), log10p: Math.log10(Math.min(1, exact)), method: 'exact' };
  const lnBound = chernoffLn(gs, hits);
  return { sites, hits, expected, variance, z, p: Math.exp(lnBound), log10p: lnBound / Math.LN10, method: 'chernoff' };
}

/** A binomial pmf, truncated where it underflows: values[j] = P(X = offset + j). */
interface Pmf {
  offset: number;
  values: Float64Array;
}

function binomialPmf(n: number, p: number): Pmf {
  if (p <= 0) return { offset: 0, values: Float64Array.of(1) };
  if (p >= 1) return { offset: n, values: Float64Array.of(1) };
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const c = lnGamma(n + 1);
  const mode = Math.floor((n + 1) * p);
  const logAt = (j: number) => c - lnGamma(j + 1) - lnGamma(n - j + 1) + j * lp + (n - j) * lq;
  let lo = mode;
  let hi = mode;
  // Widen by doubling steps, then walk: the support kept is where log pmf > -745.
  while (lo > 0 && logAt(lo - 1) > -745) lo = Math.max(0, lo - Math.max(1, Math.floor((mode - lo + 1) / 2)));
  while (lo < mode && logAt(lo) <= -745) lo++;
  while (hi < n && logAt(hi + 1) > -745) hi = Math.min(n, hi + Math.max(1, Math.floor((hi - mode + 1) / 2)));
  while (hi > mode && logAt(hi) <= -745) hi--;
  const values = new Float64Array(hi - lo + 1);
  for (let j = lo; j <= hi; j++) values[j - lo] = Math.exp(logAt(j));
  return { offset: lo, values };
}

function convolve(a: Pmf, b: Pmf): Pmf {
  const out = new Float64Array(a.values.length + b.values.length - 1);
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    if (x === 0) continue;
    for (let j = 0; j < b.values.length; j++) out[i + j]! += x * b.values[j]!;
  }
  // Trim underflowed ends.
  let lo = 0;
  let hi = out.length - 1;
  while (lo < hi && out[lo]! < 1e-320) lo++;
  while (hi > lo && out[hi]! < 1e-320) hi--;
  return { offset: a.offset + b.offset + lo, values: out.slice(lo, hi + 1) };
}

/** Exact P(S >= k), or null when the convolution would cost too much. */
function exactSf(groups: readonly SiteGroup[], k: number): number | null {
  const pmfs = groups.map((g) => binomialPmf(g.n, g.p)).sort((x, y) => x.values.length - y.values.length);
  let work = 0;
  let len = 1;
  for (const f of pmfs) {
    work += len * f.values.length;
    len += f.values.length - 1;
  }
  if (work > MAX_WORK) return null;
  let acc: Pmf = { offset: 0, values: Float64Array.of(1) };
  for (const f of pmfs) acc = convolve(acc, f);
  let tail = 0;
  for (let j = acc.values.length - 1; j >= 0; j--) {
    if (acc.offset + j < k) break;
    tail += acc.values[j]!;
  }
  return tail;
}

/** ln of the Chernoff bound on P(S >= k): min over t > 0 of sum ln(1 - p + p e^t) - t k. */
export function chernoffLn(groups: readonly SiteGroup[], k: number): number {
  let n = 0;
  let mean = 0;
  for (const g of groups) {
    n += g.n;
    mean += g.n * g.p;
  }
  if (k <= mean) return 0;
  if (k > n) return -Infinity;
  const f = (t: number) => {
    let s = -t * k;
    for (const g of groups) s += g.n * Math.log1p(g.p * Math.expm1(t));
    return s;
  };
  const df = (t: number) => {
    let s = -k;
    for (const g of groups) s += (g.n * g.p * Math.exp(t)) / (1 - g.p + g.p * Math.exp(t));
    return s;
  };
  let lo = 0;
  let hi = 1;
  while (df(hi) < 0 && hi < 700) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (df(mid) < 0) lo = mid;
    else hi = mid;
  }
  return Math.min(0, f((lo + hi) / 2));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper tail of the standard normal, P(Z >= z) (relative error under 1.2e-7). */
export function normalSf(z: number): number {
  const x = z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const erfc =
    t *
    Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** z with P(Z >= z) = p (Acklam's rational approximation, refined by one Halley step). */
export function normalQuantileUpper(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('p must be in (0, 1)');
  const q = Math.min(p, 1 - p);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    x = (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  } else {
    const r = q - 0.5;
    const s = r * r;
    x = ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) / (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1);
  }
  // x is the lower quantile of q (negative): the upper quantile of p is -x when p <= 0.5.
  return p <= 0.5 ? -x : x;
}
