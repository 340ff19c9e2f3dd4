import type { Hit, SignatureHit } from '../core/types.ts';
import type { Rule } from './load-rules.ts';
import { normalPath, viewOf, type RequestView } from './request-view.ts';

/** Evidence kept per signature; `count` still says how many requests there were. */
export const MAX_EVIDENCE_IDS = 50;

/** Facts about the actor established outside the log (enrichment), which some rules require. */
export interface ActorFacts {
  /** Outcome of the crawler check: only 'fake' (a completed mismatch) enables `requires: crawler-fake`. */
  crawlerCheck?: 'verified' | 'fake' | 'unverified' | null;
}

/**
 * Signatures that fire for one actor: the single batch entry point of detection. `hits` are that
 * actor's requests, taken in time order (ts, then id; re-sorted if not). Each rule is evaluated on
 * its own: its per-request `match` selects requests, then its aggregate (if any) decides. The exact
 * semantics of every step are in data/rules/README.md ("Aggregates: exact semantics").
 */
export function detectActor(hits: readonly Hit[], rules: readonly Rule[], facts: ActorFacts = {}): SignatureHit[] {
  const sorted = isSorted(hits) ? hits : [...hits].sort((a, b) => a.ts - b.ts || a.id - b.id);
  const views = sorted.map(viewOf);
  const out: SignatureHit[] = [];
  for (const rule of rules) {
    if (rule.requires === 'crawler-fake' && facts.crawlerCheck !== 'fake') continue;
    const evidence = evidenceFor(rule, views);
    if (evidence && evidence.length > 0) out.push(signatureOf(rule, evidence));
  }
  return out;
}

function isSorted(hits: readonly Hit[]): boolean {
  for (let i = 1; i < hits.length; i++) {
    const a = hits[i - 1]!;
    const b = hits[i]!;
    if (b.ts < a.ts || (b.ts === a.ts && b.id < a.id)) return false;
  }
  return true;
}

/** The requests that make the rule fire, oldest first, or null when it does not fire. */
export function evidenceFor(rule: Rule, all: readonly RequestView[]): Hit[] | null {
  const test = rule.test;
  const matched = test ? all.filter((v) => test(v)) : all;
  const agg = rule.aggregate ?? {};
  let ev: readonly RequestView[];
  if (agg.ratio) {
    const r = agg.ratio;
    const statuses = new Set(r.status);
    const ignore = rule.ratioIgnore;
    const counted = ignore ? matched.filter((v) => !ignore.matches(v.path)) : matched;
    if (counted.length < r.minRequests) return null;
    ev = counted.filter((v) => statuses.has(v.hit.status));
    if (ev.length / counted.length < r.min) return null;
  } else if (agg.burst) {
    ev = densestWindow(matched, agg.burst.windowSeconds * 1000);
    if (ev.length < agg.burst.count) return null;
  } else if (agg.redirect_then_404) {
    ev = redirectThen404(matched, new Set(agg.redirect_then_404.redirect), agg.redirect_then_404.withinSeconds * 1000);
  } else {
    ev = matched;
  }
  if (ev.length < (agg.min_count ?? 1)) return null;
  if (agg.min_distinct_paths !== undefined) {
    const distinct = new Set(ev.map((v) => normalPath(v.path)));
    if (distinct.size < agg.min_distinct_paths) return null;
  }
  if (agg.min_distinct_uas !== undefined) {
    const distinct = new Set(ev.map((v) => v.ua));
    if (distinct.size < agg.min_distinct_uas) return null;
  }
  if (agg.min_distinct_queries !== undefined) {
    const distinct = new Set(ev.map((v) => v.query));
    if (distinct.size < agg.min_distinct_queries) return null;
  }
  return ev.map((v) => v.hit);
}

/** The largest set of requests inside one window of `ms` milliseconds (earliest such window). */
function densestWindow(views: readonly RequestView[], ms: number): readonly RequestView[] {
  let best = 0;
  let bestStart = 0;
  let lo = 0;
  for (let hi = 0; hi < views.length; hi++) {
    while (views[hi]!.hit.ts - views[lo]!.hit.ts >= ms) lo++;
    if (hi - lo + 1 > best) { best = hi - lo + 1; bestStart = lo; }
  }
  return views.slice(bestStart, bestStart + best);
}

/** Pairs (redirect, later 404) for the same path; both requests are evidence. */
function redirectThen404(views: readonly RequestView[], redirects: Set<number>, ms: number): RequestView[] {
  const lastRedirect = new Map<string, RequestView>();
  const ev = new Set<RequestView>();
  for (const v of views) {
    const key = normalPath(v.path);
    if (redirects.has(v.hit.status)) {
      lastRedirect.set(key, v);
    } else if (v.hit.status === 404) {
      const r = lastRedirect.get(key);
      if (r && v.hit.ts - r.hit.ts <= ms) { ev.add(r); ev.add(v); }
    }
  }
  return views.filter((v) => ev.has(v));
}

function signatureOf(rule: Rule, evidence: readonly Hit[]): SignatureHit {
  let firstTs = Infinity;
  let lastTs = -Infinity;
  for (const h of evidence) {
    if (h.ts < firstTs) firstTs = h.ts;
    if (h.ts > lastTs) lastTs = h.ts;
  }
  return {
    ruleId: rule.id,
    family: rule.family,
    label: rule.label,
    title: rule.title,
    description: rule.description,
    points: rule.points,
    severity: rule.severity,
    count: evidence.length,
    firstTs,
    lastTs,
    requestIds: evidence.slice(0, MAX_EVIDENCE_IDS).map((h) => h.id),
  };
}
