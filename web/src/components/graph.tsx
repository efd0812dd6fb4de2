// The campaign's account graph: sigma.js (WebGL) over a graphology graph, laid out with a small force simulation.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import Graph from 'graphology';
import Sigma from 'sigma';
import type { Graph as GraphData } from '../../../src/server/schemas';
import { accountHref, navigate } from '../router';

const KIND_COLOR: Record<string, string> = { template: '#7b61ff88', ip: '#e8833aaa', payment: '#d6336caa', signup: '#2f9e44aa' };
const NODE_COLOR = { member: '#c92a2a', suspicious: '#f08c00', outside: '#868e96' };

/** Fruchterman–Reingold on the unit square, deterministic (nodes start on a spiral). */
export function forceLayout(n: number, edges: Array<[number, number, number]>, iterations = 150): Array<[number, number]> {
  const pos: Array<[number, number]> = Array.from({ length: n }, (_, i) => {
    const r = Math.sqrt((i + 0.5) / Math.max(n, 1)) * 0.5;
    const a = i * 2.399963;
    return [0.5 + r * Math.cos(a), 0.5 + r * Math.sin(a)];
  });
  if (n < 2) return pos;
  const k = Math.sqrt(1 / n);
  const maxW = Math.max(...edges.map((e) => e[2]), 1e-9);
  let t = 0.1;
  const disp = pos.map(() => [0, 0] as [number, number]);
  for (let it = 0; it < iterations; it++) {
    for (const d of disp) d[0] = d[1] = 0;
    for (let i = 0; i < n; i++) {
      const pi = pos[i]!;
      for (let j = i + 1; j < n; j++) {
        const pj = pos[j]!;
        let dx = pi[0] - pj[0];
        let dy = pi[1] - pj[1];
        let d2 = dx * dx + dy * dy;
        if (d2 < 1e-12) {
          dx = 1e-4 * (i - j);
          dy = 1e-4;
          d2 = dx * dx + dy * dy;
        }
        const f = (k * k) / d2;
        disp[i]![0] += dx * f;
        disp[i]![1] += dy * f;
        disp[j]![0] -= dx * f;
        disp[j]![1] -= dy * f;
      }
    }
    for (const [a, b, w] of edges) {
      const pa = pos[a]!;
      const pb = pos[b]!;
      const dx = pa[0] - pb[0];
      const dy = pa[1] - pb[1];
      const d = Math.sqrt(dx * dx + dy * dy) || 1e-6;
      const f = (d / k) * (0.3 + 0.7 * Math.min(1, w / maxW));
      disp[a]![0] -= dx * f;
      disp[a]![1] -= dy * f;
      disp[b]![0] += dx * f;
      disp[b]![1] += dy * f;
    }
    for (let i = 0; i < n; i++) {
      const d = disp[i]!;
      const len = Math.sqrt(d[0] * d[0] + d[1] * d[1]) || 1e-9;
      const step = Math.min(len, t);
      pos[i]![0] += (d[0] / len) * step;
      pos[i]![1] += (d[1] / len) * step;
    }
    t = Math.max(0.002, t * 0.97);
  }
  return pos;
}

export function AccountGraph(props: { data: GraphData }): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [hover, setHover] = useState<string | null>(null);
  const { data } = props;
  useEffect(() => {
    if (!box.current || data.nodes.length === 0) return;
    const index = new Map(data.nodes.map((n, i) => [n.id, i]));
    const edges = data.edges
      .map((e) => [index.get(e.source), index.get(e.target), e.weight] as const)
      .filter((e): e is readonly [number, number, number] => e[0] !== undefined && e[1] !== undefined)
      .map((e) => [e[0], e[1], e[2]] as [number, number, number]);
    const pos = forceLayout(data.nodes.length, edges);
    const g = new Graph({ type: 'undirected', multi: false });
    data.nodes.forEach((n, i) => {
      const color = n.member ? NODE_COLOR.member : n.verdict === 'suspicious' || n.verdict === 'distillation' ? NODE_COLOR.suspicious : NODE_COLOR.outside;
      g.addNode(n.id, { x: pos[i]![0], y: pos[i]![1], size: n.member ? 4 + 3 * (n.score ?? 0) : 3, color, label: n.id });
    });
    for (const e of data.edges) {
      if (!g.hasNode(e.source) || !g.hasNode(e.target) || g.hasEdge(e.source, e.target)) continue;
      g.addEdge(e.source, e.target, { size: 0.3 + Math.min(1.5, e.weight), color: KIND_COLOR[e.kinds[0] ?? ''] ?? '#adb5bd', label: e.kinds.join(', ') });
    }
    let sigma: Sigma | null = null;
    try {
      sigma = new Sigma(g, box.current, { settings: { itemSizesReference: 'screen', renderLabels: true, labelRenderedSizeThreshold: 7 } });
      sigma.on('clickNode', (e: { node: string }) => navigate(accountHref(e.node)));
      sigma.on('enterNode', (e: { node: string }) => setHover(e.node));
      sigma.on('leaveNode', () => setHover(null));
      setFailed(null);
    } catch (err) {
      setFailed((err as Error).message || 'WebGL is not available');
    }
    return () => sigma?.kill();
  }, [data]);
  if (data.nodes.length === 0) return <p class="muted">No links between this campaign's accounts.</p>;
  return (
    <div class="graph-wrap">
      <div class="graph" ref={box} data-testid="account-graph" />
      {failed && <p class="error">The graph cannot be drawn in this browser ({failed}); the links are listed under each account.</p>}
      <div class="legend">
        <span class="key member">campaign member</span>
        <span class="key outside">linked account outside it</span>
        {Object.entries(data.kinds).map(([k, text]) => (
          <span key={k} class={`key kind-${k}`} title={text}>
            {k} link: {text}
          </span>
        ))}
        {hover && <span class="hovered">{hover} (click to open)</span>}
      </div>
      <p class="muted">
        {data.nodes.filter((n) => n.member).length} of {data.members} member accounts shown, {data.nodes.filter((n) => !n.member).length} linked accounts outside the
        campaign, {data.edges.length} links{data.truncated ? ' (the most-linked members only)' : ''}.
      </p>
    </div>
  );
}
