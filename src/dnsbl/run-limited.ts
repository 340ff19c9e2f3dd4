/** Run tasks with at most `limit` in flight; results in input order. Tasks must not throw. */
export async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}

/**
 * Like runLimited, with at most `perKey` tasks of one key in flight, keys served in turn. One DNSBL
 * zone that answers slowly then holds only its share of the pool, and the other zones' lookups go on
 * at full speed. Tasks must not throw; results in input order.
 */
export function runLimitedByKey<T>(tasks: readonly { key: string; run: () => Promise<T> }[], limit: number, perKey: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  const queues = new Map<string, { pending: number[]; next: number; inFlight: number }>();
  tasks.forEach((t, i) => {
    const q = queues.get(t.key) ?? { pending: [], next: 0, inFlight: 0 };
    q.pending.push(i);
    queues.set(t.key, q);
  });
  const order = [...queues.values()];
  const max = Math.max(1, limit);
  const cap = Math.max(1, perKey);
  let turn = 0;
  let running = 0;
  let done = 0;
  return new Promise((resolve) => {
    if (tasks.length === 0) { resolve(results); return; }
    const pump = (): void => {
      while (running < max) {
        let q: (typeof order)[number] | undefined;
        for (let j = 0; j < order.length && !q; j++) {
          const c = order[(turn + j) % order.length]!;
          if (c.next < c.pending.length && c.inFlight < cap) { q = c; turn = (turn + j + 1) % order.length; }
        }
        if (!q) return; // every key with work left is at its cap: a finishing task pumps again
        const i = q.pending[q.next++]!;
        const mine = q;
        mine.inFlight++;
        running++;
        void tasks[i]!.run().then((v) => {
          results[i] = v;
          mine.inFlight--;
          running--;
          if (++done === tasks.length) resolve(results);
          else pump();
        });
      }
    };
    pump();
  });
}
