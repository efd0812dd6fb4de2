// Number and time formatting for the dashboard.
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function compact(n: number): string {
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return int(n);
}

export const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
export const score = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));
export const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '–');
export const time = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '–');

export const DECISION_TEXT: Record<string, string> = {
  confirm_distillation: 'confirmed distillation',
  false_positive: 'false positive',
  needs_evidence: 'needs more evidence',
  undecided: 'undecided',
};
