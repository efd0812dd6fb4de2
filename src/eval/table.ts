/** A plain-text table: columns padded to their widest cell, numbers right-aligned. */

export type Cell = string | number | null;

/** Render rows under a header; numbers are right-aligned, text left-aligned, null shown as '-'. */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => r.map((c) => (c === null ? '-' : String(c))));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const right = header.map((_, i) => rows.some((r) => typeof r[i] === 'number') || text.every((r) => /^[-\d.%+]*$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/** A share as a percentage with one decimal, or '-'. */
export function pct(x: number | null): string {
  return x === null ? '-' : `${(x * 100).toFixed(1)}%`;
}

/** A number with up to three decimals, or '-'. */
export function num(x: number | null): string {
  return x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(3);
}

/** A duration in seconds as `1h02m`, `3m05s` or `12s`, or '-'. */
export function duration(s: number | null): string {
  if (s === null) return '-';
  const sign = s < 0 ? '-' : '';
  let t = Math.round(Math.abs(s));
  const h = Math.floor(t / 3600);
  t -= h * 3600;
  const m = Math.floor(t / 60);
  const sec = t - m * 60;
  if (h > 0) return `${sign}${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${sign}${m}m${String(sec).padStart(2, '0')}s`;
  return `${sign}${sec}s`;
}
