import { readFileSync, statSync } from 'node:fs';
import { PilloryError } from '../core/errors.ts';
import { canonicalIp } from '../core/ip.ts';

export interface TorExits { addresses: Set<string>; fileDate: string; what: string }

const MAX_LINE = 200;

/**
 * Exit addresses from a list the operator downloaded: the Tor Project's bulk list (one address a
 * line) or its exit-addresses format ("ExitAddress 192.0.2.1 2026-…"). Anything else is ignored.
 */
export function parseTorExitList(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.slice(0, MAX_LINE).trim();
    if (!line || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    const candidate = words[0] === 'ExitAddress' ? words[1] : words.length === 1 ? words[0] : undefined;
    const ip = candidate ? canonicalIp(candidate) : null;
    if (ip) out.add(ip);
  }
  return out;
}

/** Read the configured list once per run; its modification date goes into the reason shown. */
export function readTorExitList(file: string): TorExits {
  let text: string;
  let mtime: Date;
  try {
    mtime = statSync(file).mtime;
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new PilloryError('TOR_LIST_MISSING', `geo.torExitList ${file} cannot be read: ${(cause as Error).message}`, { cause });
  }
  const fileDate = mtime.toISOString().slice(0, 10);
  return { addresses: parseTorExitList(text), fileDate, what: `a Tor exit relay (in the Tor exit list of ${fileDate}; traffic from many anonymous users)` };
}
