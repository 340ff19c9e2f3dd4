// The worst-case wall-clock time of one run's DNSBL lookups, from the settings alone, so the
// operator (and `pillory doctor`) can see that a night with dead zones still ends on time.

export interface RunBoundInput {
  addresses: number;
  healthyZones: number;
  /** Zones that pass their health probe and then time out on every query. */
  silentZones: number;
  timeoutMs: number;
  concurrency: number;
  breakerTimeouts: number;
  /** Round-trip time of an answered query through the resolver. */
  answerMs: number;
  budgetMs: number;
}

/**
 * Slot-seconds: an answered query holds a slot for `answerMs`; a timed-out one for two deadlines
 * plus the backoff (one retry). A silent zone trips its breaker after `breakerTimeouts` timeouts,
 * plus at most one full pool already in flight. The budget caps the total either way.
 */
export function dnsblRunBoundMs(i: RunBoundInput): number {
  const zones = i.healthyZones + i.silentZones;
  const probeMs = zones === 0 ? 0 : Math.ceil((2 * zones) / i.concurrency) * (2 * i.timeoutMs + 250);
  const timedOut = 2 * i.timeoutMs + Math.min(250, Math.floor(i.timeoutMs / 4));
  const silentQueries = Math.min(i.addresses, i.breakerTimeouts + i.concurrency) * i.silentZones;
  const work = i.addresses * i.healthyZones * i.answerMs + silentQueries * timedOut;
  const queriesMs = Math.ceil(work / i.concurrency) + timedOut; // + the last query started before the budget ran out
  return probeMs + Math.min(queriesMs, i.budgetMs + timedOut);
}
