import type { BlockList } from 'node:net';
import { inList, isNonPublic } from '../core/ip.ts';

export type CrawlerCheck = 'verified' | 'fake' | 'unverified';

export interface PublicationInput {
  /** A representative canonical address of the actor (IPv6 actors: the network address). */
  ip: string;
  score: number;
  crawler: string | null;
  crawlerCheck: CrawlerCheck | null;
}

export interface PublicationRules {
  threshold: number;
  allowlist: BlockList;
}

/**
 * Scoring covers every client; publishing is a separate decision. Returns why an actor is never
 * published (null when nothing excludes it) and whether it is published now.
 */
export function decidePublication(a: PublicationInput, rules: PublicationRules): { published: boolean; excluded: string | null } {
  let excluded: string | null = null;
  if (isNonPublic(a.ip)) excluded = 'private, reserved or documentation address';
  else if (inList(rules.allowlist, a.ip)) excluded = "on the operator's allowlist";
  else if (a.crawler && a.crawlerCheck === 'verified') excluded = `verified ${a.crawler} crawler`;
  else if (a.crawler && a.crawlerCheck === 'unverified') excluded = `claims to be ${a.crawler}; verification pending`;
  return { published: excluded === null && a.score >= rules.threshold, excluded };
}
