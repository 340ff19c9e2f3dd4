// Field maps of JSON access logs: for each Hit field, the keys (dot-separated paths into nested
// objects) that may hold it, tried in order; the first present, non-empty one wins.

export const JSON_FIELDS = ['ip', 'time', 'request', 'method', 'target', 'query', 'protocol', 'status', 'bytes',
  'referer', 'ua', 'host', 'forwardedFor', 'realIp', 'cdnIp'] as const;
export type JsonField = (typeof JSON_FIELDS)[number];
export type JsonFieldMap = Partial<Record<JsonField, string | readonly string[]>>;

/** nginx-style names (what people put in `log_format … escape=json`) and other common spellings. */
export const GENERIC_JSON_FIELDS: JsonFieldMap = {
  ip: ['remote_addr', 'client_ip', 'clientip', 'remote_ip', 'ip', 'client'],
  time: ['time_iso8601', 'time', 'timestamp', '@timestamp', 'time_local', 'msec', 'ts', 'start_time'],
  request: ['request'],
  method: ['request_method', 'method', 'verb'],
  target: ['request_uri', 'uri', 'path', 'url'],
  query: ['args', 'query_string', 'query'],
  protocol: ['server_protocol', 'protocol', 'proto'],
  status: ['status', 'status_code', 'response_code'],
  bytes: ['body_bytes_sent', 'bytes_sent', 'bytes', 'size', 'response_size'],
  referer: ['http_referer', 'referer', 'referrer'],
  ua: ['http_user_agent', 'user_agent', 'user-agent', 'ua', 'agent'],
  host: ['host', 'http_host', 'server_name', 'vhost'],
  forwardedFor: ['http_x_forwarded_for', 'x_forwarded_for', 'xff', 'x-forwarded-for'],
  realIp: ['http_x_real_ip', 'x_real_ip', 'x-real-ip'],
  cdnIp: ['http_cf_connecting_ip', 'http_true_client_ip', 'http_fastly_client_ip'],
};

/**
 * Caddy's `log` directive (JSON encoder). The peer is `request.remote_ip`; Caddy's own `client_ip` is
 * not used, so the client is chosen by Pillory's trustedProxies like for every other layout.
 */
export const CADDY_JSON_FIELDS: JsonFieldMap = {
  ip: ['request.remote_ip', 'request.remote_addr'], time: 'ts', method: 'request.method', target: 'request.uri', protocol: 'request.proto',
  status: 'status', bytes: 'size', referer: 'request.headers.Referer', ua: 'request.headers.User-Agent',
  host: 'request.host', forwardedFor: 'request.headers.X-Forwarded-For', realIp: 'request.headers.X-Real-Ip',
  cdnIp: ['request.headers.Cf-Connecting-Ip', 'request.headers.True-Client-Ip'],
};

/** Traefik's access log with `format: json` (request headers appear as `request_<Name>` when kept). */
export const TRAEFIK_JSON_FIELDS: JsonFieldMap = {
  ip: 'ClientHost', time: ['StartUTC', 'time'], method: 'RequestMethod', target: 'RequestPath', protocol: 'RequestProtocol',
  status: 'DownstreamStatus', bytes: 'DownstreamContentSize', referer: 'request_Referer', ua: 'request_User-Agent',
  host: 'RequestHost', forwardedFor: 'request_X-Forwarded-For', realIp: 'request_X-Real-Ip',
  cdnIp: ['request_Cf-Connecting-Ip', 'request_True-Client-Ip'],
};
