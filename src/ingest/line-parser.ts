import { PilloryError } from '../core/errors.ts';
import type { LineParser } from './build-hit.ts';
import { compileLogFormat } from './compile-log-format.ts';
import { CADDY_JSON_FIELDS, GENERIC_JSON_FIELDS, TRAEFIK_JSON_FIELDS, type JsonFieldMap } from './json-fields.ts';
import { jsonFieldMapOf, jsonLineParser } from './json-line.ts';
import { parseFields, type LineFormat } from './parse-line.ts';

// The config's `format` → one parser, built once per run.

/** nginx's stock `main` layout (combined + "$http_x_forwarded_for"). */
export const NGINX_MAIN = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';

const CLF_NAMES: readonly LineFormat[] = ['combined', 'common', 'vhost_combined'];
const JSON_PRESETS: Record<string, JsonFieldMap> = {
  json: GENERIC_JSON_FIELDS, nginx_json: GENERIC_JSON_FIELDS, caddy: CADDY_JSON_FIELDS, traefik: TRAEFIK_JSON_FIELDS,
};
export const FORMAT_NAMES: readonly string[] = [...CLF_NAMES, 'nginx_main', ...Object.keys(JSON_PRESETS)];

/**
 * A parser for `format`: a name (combined, common, vhost_combined, nginx_main, json, nginx_json, caddy,
 * traefik), an nginx log_format string, or an Apache LogFormat string. `jsonFields` overrides keys
 * of the JSON presets (and is refused with any other format, where it would silently do nothing).
 */
export function lineParserFor(format: string, jsonFields: Record<string, string | readonly string[]> = {}): LineParser {
  const name = format.trim();
  const preset = Object.hasOwn(JSON_PRESETS, name) ? JSON_PRESETS[name] : undefined;
  if (preset) return jsonLineParser(jsonFieldMapOf(jsonFields, preset));
  if (Object.keys(jsonFields).length > 0) {
    throw new PilloryError('CONFIG_LOG_FORMAT', `jsonFields is set, but format "${format}" is not a JSON format (${Object.keys(JSON_PRESETS).join(', ')})`);
  }
  if ((CLF_NAMES as readonly string[]).includes(name)) {
    const f = name as LineFormat;
    return (line, headers) => parseFields(line, f, headers);
  }
  if (name === 'nginx_main') return compileLogFormat(NGINX_MAIN);
  if (name.includes('$') || name.includes('%')) return compileLogFormat(format);
  throw new PilloryError('CONFIG_LOG_FORMAT', `log format "${format}" is not known; use one of ${FORMAT_NAMES.join(', ')}, an nginx log_format string or an Apache LogFormat string`);
}
