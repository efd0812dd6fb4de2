/** Small formatting helpers for command output. */

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function day(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().slice(0, 10);
}

export function table(rows: Array<Array<string | number>>, header?: string[], indent = ''): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  const fmt = (r: Array<string | number>) =>
    r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = all.map(fmt);
  if (header) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.map((l) => indent + l).join('\n');
}
