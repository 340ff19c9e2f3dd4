import type { APIRoute, GetStaticPaths } from 'astro';
import { snapshot } from '../../../../lib/snapshot.ts';
import { EXPORT_FILES, EXPORT_TYPES, renderExport, type ExportFile } from '../../../../site/blocklist-formats.ts';
import { exportInput } from '../../../../site/export-data.ts';
import { safeJson } from '../../../../site/safe-json.ts';
import { siteUrl } from '../../../../site/site-url.ts';

export const getStaticPaths = (() =>
  snapshot().exportGroups().countries.flatMap((code) => EXPORT_FILES.map((file) => ({ params: { cc: code.toLowerCase(), file }, props: { code } })))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params, props, site }) => {
  const file = params.file as ExportFile;
  const body = renderExport(file, exportInput(snapshot(), { kind: 'country', code: props.code as string }, siteUrl(site)), (v) => safeJson(v, 1));
  return new Response(body, { headers: { 'Content-Type': `${EXPORT_TYPES[file]}; charset=utf-8` } });
};
