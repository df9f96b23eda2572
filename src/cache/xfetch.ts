// XFetch (Vattani et al., VLDB 2015): one reader, not all at once, refreshes a hot key early.

export function xfetchShouldRecompute(
  now: number,
  expiry: number,
  deltaMs: number,
  beta: number,
  rand: () => number,
): boolean {
  if (now >= expiry) return true;
  // rand() may return 0; ln(0) = -Infinity means "recompute".
  return now - deltaMs * beta * Math.log(rand()) >= expiry;
}
