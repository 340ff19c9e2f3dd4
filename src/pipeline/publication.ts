import type { BlockList } from 'node:net';
import { inList, isNonPublic } from '../core/ip.ts';

export type CrawlerCheck = 'verified' | 'fake' | 'unverified';

/** Where an actor's page stands: see the `status` column of the snapshot's actors table. */
export type PageStatus = 'published' | 'expired' | 'removed' | 'none';

export interface PublicationInput {
  /** A representative canonical address of the actor (IPv6 actors: the network address). */
  ip: string;
  score: number;
  crawler: string | null;
  crawlerCheck: CrawlerCheck | null;
  /** Research scanner name (data/scanners/), null when none. */
  scanner?: string | null;
  /** Why the address is likely shared by many people, null when it is not. */
  sharedReason?: string | null;
  /** At least one critical-severity signature fired (an exploit, not just probing). */
  strongSignal?: boolean;
}

export interface PublicationRules {
  threshold: number;
  allowlist: BlockList;
  /** The operator's own infrastructure (trusted proxies, CDN ranges): never published. */
  operatorRanges?: BlockList;
  /** Shared addresses need threshold + this (default 0), unless a strong signal fired. */
  sharedExtraPoints?: number;
  /** Research scanners go into the blocklists too (default false). */
  scannersInBlocklists?: boolean;
}

export interface PublicationDecision {
  published: boolean;
  /** Why it is never published, null when nothing excludes it. */
  excluded: string | null;
  /** Published and blocklist-worthy (research scanners are not, unless the operator says so). */
  inBlocklist: boolean;
}

/**
 * Scoring covers every client; publishing is a separate decision. Never published: private and
 * reserved space, the allowlist, the operator's own proxies, verified crawlers, crawlers whose check
 * has not completed. Shared
 * addresses need more evidence: threshold + sharedExtraPoints, or the threshold plus a strong signal.
 */
export function decidePublication(a: PublicationInput, rules: PublicationRules): PublicationDecision {
  let excluded: string | null = null;
  if (isNonPublic(a.ip)) excluded = 'private, reserved or documentation address';
  else if (inList(rules.allowlist, a.ip)) excluded = "on the operator's allowlist";
  else if (rules.operatorRanges && inList(rules.operatorRanges, a.ip)) excluded = "the operator's own proxy or CDN range";
  else if (a.crawler && a.crawlerCheck === 'verified') excluded = `verified ${a.crawler} crawler`;
  else if (a.crawler && a.crawlerCheck === 'unverified') excluded = `claims to be ${a.crawler}; verification pending`;
  let qualifies = a.score >= rules.threshold;
  if (qualifies && a.sharedReason) qualifies = a.score >= rules.threshold + (rules.sharedExtraPoints ?? 0) || a.strongSignal === true;
  const published = excluded === null && qualifies;
  return { published, excluded, inBlocklist: published && (!a.scanner || rules.scannersInBlocklists === true) };
}

const DAY_MS = 86_400_000;

export interface StatusBefore { status: PageStatus; expiredAt: number | null }

/**
 * The page's next state. A published actor whose score fell below the bar becomes `expired` (page
 * stays, noindex, "no activity since …", out of the blocklists) at the moment it dropped; after
 * `graceDays` it is `removed`. An actor excluded later (allowlisted, verified crawler) is removed at
 * once. Re-offending publishes again.
 */
export function nextStatus(before: StatusBefore, d: PublicationDecision, asOf: number, droppedAt: number | null, graceDays: number): StatusBefore {
  if (d.published) return { status: 'published', expiredAt: null };
  const hadPage = before.status === 'published' || before.status === 'expired';
  if (d.excluded !== null) return hadPage || before.status === 'removed' ? { status: 'removed', expiredAt: before.expiredAt ?? asOf } : { status: 'none', expiredAt: null };
  if (before.status === 'published') {
    const at = droppedAt !== null && droppedAt <= asOf ? droppedAt : asOf;
    return graceDays <= 0 || asOf - at >= graceDays * DAY_MS ? { status: 'removed', expiredAt: at } : { status: 'expired', expiredAt: at };
  }
  if (before.status === 'expired') {
    const at = before.expiredAt ?? asOf;
    return asOf - at >= graceDays * DAY_MS ? { status: 'removed', expiredAt: at } : { status: 'expired', expiredAt: at };
  }
  return { status: before.status === 'removed' ? 'removed' : 'none', expiredAt: before.expiredAt };
}

/** Why an address is treated as shared by many people, or null. */
export function sharedReasonOf(distinctUserAgents: number, minUserAgents: number, networkType: string | null): string | null {
  if (networkType === 'mobile') return 'mobile carrier network: many subscribers share few addresses';
  if (networkType === 'cdn-proxy-vpn') return 'proxy, VPN or cloud egress address used by many clients';
  if (distinctUserAgents >= minUserAgents) return `${distinctUserAgents} different user agents from one address (an office or carrier NAT)`;
  return null;
}
