// The resident memory of a process and all its descendants, for the site benchmark: the render
// workers and the process that started them peak at different times, so the sum of their peaks
// overstates what the machine had to hold; the peak of their sum is sampled instead.
import { readdirSync, readFileSync } from 'node:fs';

/** Resident bytes of process `root` and its descendants now, from /proc (null where there is no /proc). */
export function treeRss(root: number): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // the fields after the command name, which is in parentheses and may hold spaces: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const siblings = children.get(ppid);
      if (siblings) siblings.push(Number(e));
      else children.set(ppid, [Number(e)]);
    } catch {
      // ended meanwhile
    }
  }
  let bytes = 0;
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    try {
      bytes += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // ended meanwhile
    }
    todo.push(...(children.get(pid) ?? []));
  }
  return bytes;
}

/**
 * Samples treeRss(process.pid) every `everyMs` until stopped; stop() returns the peak in MB, at least
 * this process's own peak (its event loop may be busy, and so unsampled, when only it is running).
 */
export function sampleTreePeak(everyMs = 50): { stop(): number | null } {
  let peak = 0;
  let sampled = false;
  const tick = () => {
    const b = treeRss(process.pid);
    if (b === null) return;
    sampled = true;
    peak = Math.max(peak, b);
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      tick();
      return sampled ? Math.max(Math.round(peak / 1048576), Math.round(process.resourceUsage().maxRSS / 1024)) : null;
    },
  };
}
