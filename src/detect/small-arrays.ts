// Small lists of numbers kept per actor. They grow in place: replacing an array on every change would
// make every change allocate, and the young-generation collector would copy each replacement before
// it dies (an actor stays live for an hour of log time). The room push() reserves is given back when
// the actor is frozen (stream-detector.ts).

const EXACT_UP_TO = 0;

export function appended(a: number[] | null, x: number): number[] {
  if (a === null) return [x];
  if (a.length < EXACT_UP_TO) return a.concat(x);
  a.push(x);
  return a;
}

export function appended3(a: number[] | null, x: number, y: number, z: number): number[] {
  if (a === null) return [x, y, z];
  if (a.length < EXACT_UP_TO) return a.concat(x, y, z);
  a.push(x, y, z);
  return a;
}

/** Inserts `values` at `i` (a copy while the list is short). */
export function inserted(a: number[], i: number, ...values: number[]): number[] {
  if (a.length < EXACT_UP_TO) return [...a.slice(0, i), ...values, ...a.slice(i)];
  a.splice(i, 0, ...values);
  return a;
}

/**
 * Adds one to the count of `key` in a [key, n, …] list and returns the list (maybe a new one).
 * `sorted`: keys ascending (new keys are mostly the largest).
 */
export function bumped(list: number[] | null, key: number, sorted: boolean): number[] {
  if (list === null) return [key, 1];
  for (let i = list.length - 2; i >= 0; i -= 2) {
    if (list[i] === key) { list[i + 1] = list[i + 1]! + 1; return list; }
    if (sorted && list[i]! < key) return inserted(list, i + 2, key, 1);
  }
  return sorted ? inserted(list, 0, key, 1) : list.length < EXACT_UP_TO ? list.concat(key, 1) : (list.push(key, 1), list);
}
