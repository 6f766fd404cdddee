/**
 * "Did you mean" for names: an edit distance, and how far a misspelling may be from what was meant.
 * Used by the rules (rule ids, compose keys, service names) and by the analyzer (config paths).
 */

/** Edit distance (Levenshtein, counting a swap of two neighbours as one edit), for "did you mean". */
export function levenshtein(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate nearest to a misspelt name, when it is close enough to be what was meant. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance > 0 && bestDistance <= nameDistanceLimit(name) ? best : undefined;
}

/** How many edits a misspelling of `name` may be from what was meant: 1 to 3, a third of its length. */
export function nameDistanceLimit(name: string): number {
  return Math.max(1, Math.min(3, Math.floor(name.length / 3)));
}
