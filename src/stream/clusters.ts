/**
 * Online clusters: union-find over links between accounts that both already look like distillers (stage-1
 * probability at least `joinP1`), so a busy legitimate key never grows a giant benign component. Each cluster keeps
 * its size, the sum of its members' stage-1 probabilities and a campaign id that survives merges (the older one).
 */
export interface ClusterStats {
  size: number;
  sumP1: number;
  campaign: string | null;
  /** Creation order: the older cluster's campaign id wins a merge. */
  born: number;
}

export class Clusters {
  private readonly parent = new Map<string, string>();
  private readonly stats = new Map<string, ClusterStats>();
  private readonly p1 = new Map<string, number>();
  private births = 0;

  root(a: string): string {
    let r = a;
    for (let p = this.parent.get(r); p !== undefined && p !== r; p = this.parent.get(r)) r = p;
    // Path compression.
    let x = a;
    while (x !== r) {
      const p = this.parent.get(x)!;
      this.parent.set(x, r);
      x = p;
    }
    return r;
  }

  /** Sets an account's stage-1 probability (adding it as a singleton cluster when new). */
  setP1(a: string, p: number): void {
    const old = this.p1.get(a);
    this.p1.set(a, p);
    if (!this.parent.has(a)) {
      this.parent.set(a, a);
      this.stats.set(a, { size: 1, sumP1: p, campaign: null, born: this.births++ });
      return;
    }
    this.stats.get(this.root(a))!.sumP1 += p - (old ?? 0);
  }

  p1Of(a: string): number | undefined {
    return this.p1.get(a);
  }

  union(a: string, b: string): string {
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra === rb) return ra;
    const sa = this.stats.get(ra)!;
    const sb = this.stats.get(rb)!;
    const [big, small, sBig, sSmall] = sa.size >= sb.size ? [ra, rb, sa, sb] : [rb, ra, sb, sa];
    this.parent.set(small, big);
    const older = sBig.born <= sSmall.born ? sBig : sSmall;
    sBig.campaign = older.campaign ?? sBig.campaign ?? sSmall.campaign;
    sBig.born = Math.min(sBig.born, sSmall.born);
    sBig.size += sSmall.size;
    sBig.sumP1 += sSmall.sumP1;
    this.stats.delete(small);
    return big;
  }

  statsOf(a: string): ClusterStats | undefined {
    return this.parent.has(a) ? this.stats.get(this.root(a)) : undefined;
  }
}
