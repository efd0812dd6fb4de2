/**
 * The report's charts as self-contained SVG (no script, no external font or stylesheet), so report.html opens
 * offline and the same files can sit beside report.md. Every text that reaches the markup is escaped.
 */

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const INK = '#1f2933';
const MUTED = '#616e7c';
const BAR = '#2f6fb0';
const GRID = '#d9e2ec';

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return Math.round(n).toLocaleString('en-US');
}

/** A "nice" upper bound for an axis (1, 2 or 5 times a power of ten). */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface DayCount {
  /** YYYY-MM-DD (UTC). */
  day: string;
  n: number;
}

/** Calls per day as bars, with a labelled y axis and first/middle/last dates. */
export function timelineSvg(days: DayCount[], title: string, width = 720, height = 220): string {
  const m = { l: 56, r: 12, t: 28, b: 34 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const max = niceMax(Math.max(0, ...days.map((d) => d.n)));
  const bw = days.length ? w / days.length : w;
  const parts: string[] = [];
  parts.push(`<text x="${m.l}" y="16" font-size="13" fill="${INK}" font-weight="600">${escapeXml(title)}</text>`);
  for (const f of [0, 0.5, 1]) {
    const y = m.t + h - f * h;
    parts.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(y + 4).toFixed(1)}" font-size="11" fill="${MUTED}" text-anchor="end">${escapeXml(fmt(f * max))}</text>`);
  }
  days.forEach((d, i) => {
    const bh = (d.n / max) * h;
    parts.push(
      `<rect x="${(m.l + i * bw + bw * 0.1).toFixed(2)}" y="${(m.t + h - bh).toFixed(2)}" width="${Math.max(0.5, bw * 0.8).toFixed(2)}" height="${bh.toFixed(2)}" fill="${BAR}"><title>${escapeXml(`${d.day}: ${d.n.toLocaleString('en-US')} calls`)}</title></rect>`,
    );
  });
  const ticks = days.length ? [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])] : [];
  for (const i of ticks) {
    const x = m.l + i * bw + bw / 2;
    const anchor = i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle';
    parts.push(`<text x="${(i === 0 ? m.l : i === days.length - 1 ? m.l + w : x).toFixed(1)}" y="${height - 12}" font-size="11" fill="${MUTED}" text-anchor="${anchor}">${escapeXml(days[i]!.day)}</text>`);
  }
  if (!days.length) parts.push(`<text x="${m.l + w / 2}" y="${m.t + h / 2}" font-size="12" fill="${MUTED}" text-anchor="middle">no calls recorded</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img" aria-label="${escapeXml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>${parts.join('')}</svg>`;
}

export interface Bar {
  label: string;
  /** A share in [0, 1]. */
  value: number;
}

/** Horizontal bars of shares (e.g. the capability breakdown), largest first, with percentages. */
export function barsSvg(bars: Bar[], title: string, width = 720): string {
  const rowH = 22;
  const m = { l: 230, r: 60, t: 28, b: 8 };
  const height = m.t + m.b + Math.max(1, bars.length) * rowH;
  const w = width - m.l - m.r;
  const parts: string[] = [`<text x="8" y="16" font-size="13" fill="${INK}" font-weight="600">${escapeXml(title)}</text>`];
  bars.forEach((b, i) => {
    const y = m.t + i * rowH;
    const bw = Math.max(0, Math.min(1, b.value)) * w;
    parts.push(`<text x="${m.l - 8}" y="${y + 15}" font-size="12" fill="${INK}" text-anchor="end">${escapeXml(b.label)}</text>`);
    parts.push(`<rect x="${m.l}" y="${y + 4}" width="${bw.toFixed(2)}" height="${rowH - 8}" fill="${BAR}"><title>${escapeXml(`${b.label}: ${(b.value * 100).toFixed(1)}%`)}</title></rect>`);
    parts.push(`<text x="${(m.l + bw + 6).toFixed(2)}" y="${y + 15}" font-size="11" fill="${MUTED}">${(b.value * 100).toFixed(1)}%</text>`);
  });
  if (!bars.length) parts.push(`<text x="${m.l}" y="${m.t + 15}" font-size="12" fill="${MUTED}">no data</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" role="img" aria-label="${escapeXml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>${parts.join('')}</svg>`;
}
