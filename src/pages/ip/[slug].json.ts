import type { APIRoute, GetStaticPaths } from 'astro';
import { snapshot } from '../../lib/snapshot.ts';
import { agesOutAt } from '../../site/expiry.ts';
import { paths } from '../../site/format.ts';
import { reportDocument } from '../../site/report-json.ts';
import { safeJson } from '../../site/safe-json.ts';
import { absolute } from '../../site/site-url.ts';

export const getStaticPaths = (() => snapshot().pages().map((a) => ({ params: { slug: a.slug } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params, site }) => {
  const reader = snapshot();
  const meta = reader.meta();
  const r = reader.report(params.slug ?? '');
  if (!r) return new Response(null, { status: 404 });
  const body = safeJson(reportDocument(r, meta, absolute(paths.ip(r.slug), site), agesOutAt(r, meta)), 1);
  return new Response(`${body}\n`, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
