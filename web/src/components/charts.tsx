// Simple SVG charts: a time series with several lines, and horizontal share bars.
import type { JSX } from 'preact';
import { compact, pct } from '../format';

export interface Series {
  name: string;
  cls: string;
  values: number[];
}

export function LineChart(props: { labels: string[]; series: Series[]; height?: number; testid?: string }): JSX.Element {
  const W = 720;
  const H = props.height ?? 200;
  const pad = { l: 48, r: 12, t: 10, b: 24 };
  const n = props.labels.length;
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const x = (i: number) => pad.l + (n <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (n - 1));
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.t - pad.b);
  const ticks = n ? [0, Math.floor((n - 1) / 2), n - 1].filter((v, i, a) => a.indexOf(v) === i) : [];
  const step = n > 1 ? (W - pad.l - pad.r) / (n - 1) : W - pad.l - pad.r;
  return (
    <figure class="chart" data-testid={props.testid}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.series.map((s) => s.name).join(', ')}>
        <line class="axis" x1={pad.l} y1={H - pad.b} x2={W - pad.r} y2={H - pad.b} />
        <line class="grid" x1={pad.l} y1={y(max)} x2={W - pad.r} y2={y(max)} />
        <text class="tick" x={pad.l - 4} y={y(max) + 4} text-anchor="end">
          {compact(max)}
        </text>
        <text class="tick" x={pad.l - 4} y={H - pad.b + 4} text-anchor="end">
          0
        </text>
        {ticks.map((i) => (
          <text key={i} class="tick" x={x(i)} y={H - 6} text-anchor={i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle'}>
            {props.labels[i]}
          </text>
        ))}
        {props.series.map((s) => (
          <polyline key={s.name} class={`line ${s.cls}`} points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
        ))}
        {n <= 3 && props.series.map((s) => s.values.map((v, i) => <circle key={`${s.name}-${i}`} class={`dot ${s.cls}`} cx={x(i)} cy={y(v)} r={4} />))}
        {props.labels.map((l, i) => (
          <rect key={l} class="hover" x={x(i) - step / 2} y={pad.t} width={Math.max(step, 1)} height={H - pad.t - pad.b}>
            <title>{`${l}\n${props.series.map((s) => `${s.name}: ${(s.values[i] ?? 0).toLocaleString('en-US')}`).join('\n')}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption class="legend">
        {props.series.map((s) => (
          <span key={s.name} class={`key ${s.cls}`}>
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export interface Bar {
  key: string;
  share: number;
  detail?: string;
}

/** Horizontal bars of shares (0..1), largest first. */
export function BarList(props: { bars: Bar[]; testid?: string; cls?: (key: string) => string }): JSX.Element {
  const bars = [...props.bars].sort((a, b) => b.share - a.share);
  if (!bars.length) return <p class="muted">None.</p>;
  return (
    <ul class="bars" data-testid={props.testid}>
      {bars.map((b) => (
        <li key={b.key}>
          <span class="bar-label" title={b.key}>
            {b.key}
          </span>
          <span class="bar-track">
            <span class={`bar-fill ${props.cls?.(b.key) ?? ''}`} style={{ width: `${Math.max(0.5, Math.min(100, b.share * 100))}%` }} />
          </span>
          <span class="bar-value">
            {pct(b.share)}
            {b.detail ? <span class="muted"> {b.detail}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
