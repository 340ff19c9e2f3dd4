import { z } from 'zod';

// The shape of data/rules/<id>/rule.yaml. A rule is per-request conditions (`match`) plus, optionally,
// one aggregate over the actor's requests (distinct paths, a status ratio, a burst, a redirect→404 pair).

const listName = z.string().regex(/^[a-z0-9][a-z0-9._-]*\.txt$/, 'a file name in data/rules/lists/, e.g. danger-strong.txt');

export interface RequestMatcher {
  path_in_list?: string | undefined;
  path_regex?: string | undefined;
  query_in_list?: string | undefined;
  query_regex?: string | undefined;
  anywhere_in_list?: string | undefined;
  anywhere_regex?: string | undefined;
  ua_in_list?: string | undefined;
  ua_regex?: string | undefined;
  ua_empty?: boolean | undefined;
  referer_regex?: string | undefined;
  protocol_regex?: string | undefined;
  method_in?: string[] | undefined;
  status_in?: number[] | undefined;
  tag_in?: string[] | undefined;
  any?: RequestMatcher[] | undefined;
  not?: RequestMatcher | undefined;
}

export const requestMatcherSchema: z.ZodType<RequestMatcher> = z.lazy(() =>
  z.strictObject({
    /** Decoded path (no query) contains an entry of the list at segment boundaries. */
    path_in_list: listName.optional(),
    /** Case-insensitive regex on the decoded path (no query). */
    path_regex: z.string().min(1).optional(),
    /** Decoded query string contains an entry of the list (case-insensitive substring). */
    query_in_list: listName.optional(),
    query_regex: z.string().min(1).optional(),
    /**
     * Any logged field of the request — target, user agent, referer, protocol, virtual host, or the raw
     * line of a non-HTTP request — contains an entry of the list (case-insensitive substring).
     */
    anywhere_in_list: listName.optional(),
    /** Case-insensitive regex on each of the `anywhere_in_list` fields. */
    anywhere_regex: z.string().min(1).optional(),
    /** User agent contains an entry of the list (case-insensitive substring). */
    ua_in_list: listName.optional(),
    ua_regex: z.string().min(1).optional(),
    ua_empty: z.boolean().optional(),
    /** Case-insensitive regex on the decoded referer ('' when the log had '-'). */
    referer_regex: z.string().min(1).optional(),
    /** Case-insensitive regex on the protocol of the request line, e.g. HTTP/1.1. */
    protocol_regex: z.string().min(1).optional(),
    method_in: z.array(z.string().regex(/^[A-Z][A-Z_-]{0,23}$/, 'an upper-case HTTP method such as CONNECT or SSTP_DUPLEX_POST')).min(1).optional(),
    status_in: z.array(z.int().min(100).max(999)).min(1).optional(),
    tag_in: z.array(z.enum(['tls-handshake', 'rdp-probe', 'binary', 'no-request', 'empty-request', 'malformed-request'])).min(1).optional(),
    /** At least one of these matchers holds. */
    any: z.array(requestMatcherSchema).min(1).optional(),
    /** This matcher does not hold. */
    not: requestMatcherSchema.optional(),
  }).refine((m) => Object.keys(m).length > 0, 'a matcher needs at least one condition'),
);

export const aggregateSchema = z.strictObject({
  /** At least this many matching requests (default 1). */
  min_count: z.int().min(1).optional(),
  /** At least this many distinct matching paths (lower case, no query, trailing "/" trimmed). */
  min_distinct_paths: z.int().min(2).optional(),
  /** At least this many distinct user agents among the matching requests (user agent changing). */
  min_distinct_uas: z.int().min(2).optional(),
  /** At least this many distinct queries (decoded, lower-cased) among the matching requests (?author=1…5). */
  min_distinct_queries: z.int().min(2).optional(),
  /** Share of the actor's requests (matching `match` when given) that answered `status`. */
  ratio: z.strictObject({
    status: z.array(z.int().min(100).max(999)).min(1),
    min: z.number().gt(0).max(1),
    minRequests: z.int().min(1),
    /** Requests for these paths (e.g. favicon misses) count neither way. */
    ignore_list: listName.optional(),
    /** Requests whose decoded path matches this (case-insensitive) count neither way. */
    ignore_path_regex: z.string().min(1).optional(),
  }).optional(),
  /** `count` matching requests within `windowSeconds`. */
  burst: z.strictObject({ count: z.int().min(2), windowSeconds: z.number().positive().max(3600) }).optional(),
  /** A path answered a redirect and later 404 to the same client, within `withinSeconds`. */
  redirect_then_404: z.strictObject({
    redirect: z.array(z.int().min(300).max(399)).min(1).default([302]),
    withinSeconds: z.number().positive().max(86_400).default(600),
  }).optional(),
}).refine((a) => [a.ratio, a.burst, a.redirect_then_404].filter(Boolean).length <= 1, 'use at most one of ratio, burst, redirect_then_404');

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'kebab-case id equal to the folder name'),
  title: z.string().min(3).max(100),
  description: z.string().min(10).max(600),
  family: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  label: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  points: z.int().min(1).max(100),
  /**
   * Facts from outside the log that must hold before the rule is evaluated: `crawler-fake` = the
   * actor claims a crawler and a completed reverse+forward DNS check (or range check) refuted it.
   */
  requires: z.enum(['crawler-fake']).optional(),
  match: requestMatcherSchema.optional(),
  aggregate: aggregateSchema.optional(),
}).refine((r) => r.match !== undefined || r.aggregate !== undefined, 'a rule needs `match`, `aggregate` or both');

export type RuleSpec = z.infer<typeof ruleSchema>;
export type AggregateSpec = z.infer<typeof aggregateSchema>;
