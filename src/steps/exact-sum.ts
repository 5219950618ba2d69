/**
 * Exact floating-point sums (Shewchuk's algorithm, as Python's `math.fsum`): a sum is kept as
 * non-overlapping partials, smallest first, whose exact total is the exact sum of every number
 * added. The result is that total rounded once, so it does not depend on the order of the
 * numbers nor on how partial sums were merged: an aggregate spilled to the store and merged back
 * gives the same sum, to the last bit, as one kept in memory.
 */

/**
 * Adds `x` (a finite number) to `partials`: in place, or into a new array (returned) when one more
 * partial is needed, so that arrays never carry spare capacity (they live in every group held).
 */
export function addExact(partials: number[], x: number): number[] {
  let kept = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j] as number;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[kept++] = lo;
    x = hi;
  }
  if (kept < partials.length) {
    partials[kept] = x;
    if (kept + 1 < partials.length) partials.length = kept + 1;
    return partials;
  }
  const grown = new Array<number>(kept + 1);
  for (let i = 0; i < kept; i++) grown[i] = partials[i] as number;
  grown[kept] = x;
  return grown;
}

/** `partials` plus every partial of `other` (the sum of both sums, still exact); may change `partials`. */
export function mergeExact(partials: number[], other: readonly number[]): number[] {
  let sum = partials;
  for (const x of other) sum = addExact(sum, x);
  return sum;
}

/** The exact sum, correctly rounded to the nearest double (0 for no partials). */
export function exactTotal(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n] as number;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n] as number;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // round half to even across the partials below: `lo` and the next partial of the same sign push it over
  const below = n > 0 ? (partials[n - 1] as number) : 0;
  if ((lo < 0 && below < 0) || (lo > 0 && below > 0)) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
