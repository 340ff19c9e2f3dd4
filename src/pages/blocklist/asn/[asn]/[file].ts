import type { APIRoute, GetStaticPaths } from 'astro';
import { snapshot } from '../../../../lib/snapshot.ts';
import { EXPORT_FILES, EXPORT_TYPES, renderExport, type ExportFile } from '../../../../site/blocklist-formats.ts';
import { exportInput } from '../../../../site/export-data.ts';
import { safeJson } from '../../../../site/safe-json.ts';
import { siteUrl } from '../../../../site/site-url.ts';

export const getStaticPaths = (() =>
  snapshot().exportGroups().asns.flatMap((asn) => EXPORT_FILES.map((file) => ({ params: { asn: String(asn), file }, props: { asn } })))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params, props, site }) => {
  const file = params.file as ExportFile;
  const body = renderExport(file, exportInput(snapshot(), { kind: 'asn', asn: props.asn as number }, siteUrl(site)), (v) => safeJson(v, 1));
  return new Response(body, { headers: { 'Content-Type': `${EXPORT_TYPES[file]}; charset=utf-8` } });
};
