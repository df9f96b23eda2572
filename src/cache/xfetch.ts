// XFetch, probabilistic early expiration (Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic
// Cache Stampede Prevention", VLDB 2015). Each reader recomputes early with a probability that grows
// as expiry nears and with the cost of the last recomputation, so one reader (not all of them at the
// same instant) refreshes a hot key. -ln(rand) is an exponential variate, hence the early margin is
// delta·beta·Exp(1): beta > 1 favours earlier recomputation, beta < 1 later.

/** True when the reader should recompute now: now − delta·beta·ln(rand()) ≥ expiry. */
export function xfetchShouldRecompute(
  now: number,
  expiry: number,
  deltaMs: number,
  beta: number,
  rand: () => number,
): boolean {
  if (now >= expiry) return true;
  // rand() may return 0 (Math.random's range is [0, 1)); ln(0) = -Infinity means "recompute".
  return now - deltaMs * beta * Math.log(rand()) >= expiry;
}
