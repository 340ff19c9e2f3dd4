// The CrowdSec hub's own scenario tests (crowdsecurity/hub, MIT: see test/fixtures/crowdsec/LICENSE.hub),
// read the way an operator would configure Pillory for each server. For every file: how many lines it
// has, how many parse, the clients in order of appearance, and every line that does not parse, by
// number, with its skip reason and why that is right. Nothing is skipped without a line here.

export interface SkippedLine {
  reason: string;
  why: string;
}

export interface CorpusFile {
  /** Folder under crowdsec/tests/ (and test/fixtures/crowdsec/). */
  test: string;
  file: string;
  /** log_type of its config.yaml. */
  logType: string;
  /** Why this format reads it, when it is not plain combined. */
  note?: string;
  format: string;
  jsonFields?: Record<string, string>;
  read: number;
  parsed: number;
  clients: string[];
  /** CrowdSec alert sources that are rightly not a parsed client, and why. */
  unparsedSources?: Record<string, string>;
  /** Line number (1-based) → why it is skipped. */
  skipped?: Record<number, SkippedLine>;
}

/** nginx `access_log syslog:…` as rsyslog writes it to a file: the header ends at the first ": ". */
export const SYSLOG_COMBINED = '$syslog_header: $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** AWS Application Load Balancer access log (space-separated, documented field order). */
export const AWS_ALB = '$type $time_iso8601 $elb $remote_addr $target_addr $request_processing_time $target_processing_time '
  + '$response_processing_time $status $target_status $received_bytes $body_bytes_sent "$request" "$http_user_agent" $ssl_cipher '
  + '$ssl_protocol $target_group_arn "$trace_id" "$host"';

/** Zoraxy's access log lines. */
export const ZORAXY = '$logged_at [$time_iso8601] [router:$router] [origin:$origin] [client: $remote_addr] [useragent: $http_user_agent] $request_method $request_uri $status';

/** The keys of the Envoy json_format used in CrowdSec's Envoy tests. */
export const ENVOY_FIELDS = { ip: 'downstream_remote_address', target: 'x-envoy-origin-path', host: ':authority' };

function lines(from: number, to: number, reason: string, why: string): Record<number, SkippedLine> {
  const out: Record<number, SkippedLine> = {};
  for (let n = from; n <= to; n++) out[n] = { reason, why };
  return out;
}

export const CORPUS_FILES: CorpusFile[] = [
  { test: 'CVE-2017-9841', file: 'CVE-2017-9841.log', logType: 'nginx', format: 'combined', read: 1, parsed: 1,
    clients: ['1.2.3.4'],
  },
  { test: 'CVE-2019-18935', file: 'CVE-2019-18935.log', logType: 'nginx', format: 'combined', read: 1, parsed: 1,
    clients: ['1.2.3.4'],
  },
  { test: 'CVE-2022-26134', file: 'CVE-2022-26134.log', logType: 'apache2', format: 'combined', read: 2, parsed: 2,
    clients: ['1.2.3.4', '1.2.3.5'],
  },
  {
    test: 'CVE-2022-35914',
    note: 'line 1 carries a virtual host (vhost_combined), line 2 is combined without referer and user agent: both read',
    file: 'CVE-2022-35914.log', logType: 'apache2', format: 'combined', read: 2, parsed: 2,
    clients: ['1.2.3.4'],
  },
  { test: 'CVE-2022-40684', file: 'CVE-2022-40684.log', logType: 'nginx', format: 'combined', read: 1, parsed: 1,
    clients: ['127.0.0.1'],
  },
  { test: 'CVE-2022-41697', file: 'CVE-2022-41697.log', logType: 'nginx', format: 'combined', read: 6, parsed: 6,
    clients: ['1.2.3.5'],
  },
  { test: 'CVE-2022-42889', file: 'CVE-2022-42889.log', logType: 'apache2', format: 'combined', read: 4, parsed: 4,
    clients: ['1.2.3.5', '1.2.3.6', '1.2.3.7', '1.2.3.8'],
  },
  { test: 'CVE-2022-44877', file: 'CVE-2022-44877.log', logType: 'apache2', format: 'combined', read: 2, parsed: 2,
    clients: ['1.2.3.4'],
  },
  { test: 'CVE-2022-46169', file: 'CVE-2022-46169.log', logType: 'apache2', format: 'combined', read: 9, parsed: 9,
    clients: ['1.2.3.4'],
  },
  { test: 'CVE-2023-22515', file: 'CVE-2023-22515.log', logType: 'apache2', format: 'combined', read: 2, parsed: 2,
    clients: ['1.2.3.4'],
  },
  { test: 'CVE-2023-22518', file: 'CVE-2023-22518.log', logType: 'apache2', format: 'combined', read: 1, parsed: 1,
    clients: ['127.0.0.1'],
  },
  { test: 'CVE-2024-0012', file: 'CVE-2024-0012.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['10.0.0.1', '10.0.0.2'],
  },
  { test: 'CVE-2024-38475', file: 'CVE-2024-38475.log', logType: 'apache2', format: 'combined', read: 12, parsed: 12,
    clients: ['127.0.0.1', '127.0.0.2', '127.0.0.3'],
  },
  { test: 'apache-cve-2021-41773', file: 'apache-cve-2021-41773.log', logType: 'apache2', format: 'combined', read: 3, parsed: 2,
    unparsedSources: { '88.168.206.87': 'it appears only in the error-log line 1' },
    clients: ['172.17.0.1', '172.17.0.2'],
    skipped: {
      1: { reason: 'bad-address', why: 'an Apache error-log line (AH00126 Invalid URI), not an access-log line' },
    },
  },
  { test: 'apache-http-probing', file: 'apache-http-probing.log', logType: 'apache2', format: 'combined', read: 77, parsed: 77,
    clients: ['172.17.0.1'],
  },
  {
    test: 'apache2-logs',
    note: 'lines 4 and 7 carry a virtual host (`www.crowdsec.net`, `website.com:443`) and are read as vhost_combined',
    file: 'apache2-logs.log', logType: 'apache2', format: 'combined', read: 9, parsed: 7,
    clients: ['93.43.209.58', '164.68.112.178', '195.54.160.135', '1.2.3.4', '116.203.1.1'],
    skipped: {
      8: { reason: 'bad-address', why: 'an Apache error-log line (AH01618 auth_basic), not an access-log line' },
      9: { reason: 'bad-address', why: 'an Apache error-log line (AH02006 SSL handshake), not an access-log line' },
    },
  },
  {
    test: 'apache2-malformed',
    note: 'TLS handshakes and other junk on the HTTP port: tagged hits, not failures',
    file: 'apache2-logs.log', logType: 'apache2', format: 'combined', read: 11, parsed: 11,
    clients: ['1.2.3.4'],
  },
  { test: 'apache_log4j2_cve-2021-44228', file: 'apache_log4j2_cve-2021-44228.log', logType: 'nginx', format: 'combined', read: 5, parsed: 3,
    clients: ['192.168.1.3', '192.168.1.4', '192.168.1.5'],
    skipped: {
      4: { reason: 'blank', why: 'an empty line: the test file ends with an extra newline' },
      5: { reason: 'blank', why: 'an empty line: the test file ends with an extra newline' },
    },
  },
  {
    test: 'aws-alb-http-bad-user-agent',
    note: 'AWS ALB access log, read with a log_format string; the client is `ip:port`',
    file: 'aws-alb-http-bad-user-agent.log', logType: 'aws-alb', format: AWS_ALB, read: 4, parsed: 4,
    clients: ['192.168.1.100'],
  },
  { test: 'base-upsun-generic-test', file: 'base-upsun-generic-test.log', logType: 'upsun-httplog', format: 'json', read: 1, parsed: 0,
    unparsedSources: { '203.0.113.1': 'it appears only inside the message field of the Upsun envelope' },
    clients: [],
    skipped: {
      1: { reason: 'bad-address', why: 'Upsun\'s log-forwarding envelope (journald JSON): the nginx line is text inside its "message"; Pillory reads nginx\'s own access.log' },
    },
  },
  {
    test: 'bunkerweb-bad-user-agent',
    note: 'BunkerWeb writes `$host $remote_addr - $request_id $remote_user`: read as vhost_combined (the id sits where %u is)',
    file: 'bunkerweb-bad-user-agent.log', logType: 'bunkerweb', format: 'combined', read: 4, parsed: 3,
    clients: ['127.0.0.1'],
    skipped: {
      4: { reason: 'blank', why: 'an empty line: the test file ends with an extra newline' },
    },
  },
  {
    test: 'bunkerweb-http-path-traversal',
    note: 'BunkerWeb layout, read as vhost_combined',
    file: 'bunkerweb-http-path-traversal.log', logType: 'bunkerweb', format: 'combined', read: 10, parsed: 9,
    clients: ['127.0.0.1'],
    skipped: {
      10: { reason: 'blank', why: 'an empty line: the test file ends with an extra newline' },
    },
  },
  {
    test: 'bunkerweb-http-sensitive-files',
    note: 'BunkerWeb layout, read as vhost_combined',
    file: 'bunkerweb-http-sensitive-files.log', logType: 'bunkerweb', format: 'combined', read: 10, parsed: 9,
    clients: ['127.0.0.1'],
    skipped: {
      10: { reason: 'blank', why: 'an empty line: the test file ends with an extra newline' },
    },
  },
  { test: 'caddy-basic-auth-bf', file: 'caddy-logs.log', logType: 'caddy', format: 'caddy', read: 6, parsed: 6,
    clients: ['127.0.0.1'],
  },
  { test: 'cve-2021-42013', file: 'cve-2021-42013.log', logType: 'apache2', format: 'combined', read: 1, parsed: 1,
    clients: ['172.17.0.1'],
  },
  { test: 'cve-2023-49103', file: 'cve-2023-49103.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['1.2.3.4', '4.5.6.7'],
  },
  { test: 'cve_2022_37042', file: 'cve_2022_37042.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['5.5.8.5', '5.5.8.56'],
  },
  {
    test: 'envoy-http-bad-user-agent',
    note: 'Envoy JSON behind containerd\'s `<time> stdout F ` prefix, read with an operator field map',
    file: 'envoy-http-bad-user-agent.log', logType: 'containerd', format: 'json', jsonFields: ENVOY_FIELDS, read: 2, parsed: 2,
    clients: ['10.0.0.12'],
  },
  {
    test: 'envoy-http-crawl-non_statics',
    note: 'Envoy JSON behind containerd\'s prefix, operator field map',
    file: 'envoy-http-crawl-non_statics.log', logType: 'containerd', format: 'json', jsonFields: ENVOY_FIELDS, read: 41, parsed: 41,
    clients: ['10.0.0.13'],
  },
  { test: 'f5-big-ip-cve-2020-5902', file: 'f5-big-ip-cve-2020-5902.log', logType: 'nginx', format: 'combined', read: 4, parsed: 4,
    clients: ['192.168.1.2', '192.168.1.3', '192.168.1.4', '192.168.1.5'],
  },
  { test: 'fortinet-cve-2018-13379', file: 'fortinet-cve-2018-13379.log', logType: 'nginx', format: 'combined', read: 1, parsed: 1,
    clients: ['192.168.1.3'],
  },
  { test: 'http-admin-interface-probing', file: 'http-admin-interface-probing.log', logType: 'nginx', format: 'combined', read: 3, parsed: 3,
    clients: ['157.230.234.189'],
  },
  {
    test: 'http-bf-wordpress-bf',
    note: 'nginx logging to syslog: the syslog header is matched by an nginx log_format string',
    file: 'http-bf-wordpress-bf.log', logType: 'nginx', format: SYSLOG_COMBINED, read: 10, parsed: 9,
    clients: ['81.150.104.130'],
    skipped: {
      10: { reason: 'blank', why: 'an empty line: the test file ends with an extra newline' },
    },
  },
  { test: 'http-cve-probing', file: 'http-cve-probing.log', logType: 'nginx', format: 'combined', read: 3, parsed: 3,
    clients: ['127.0.0.1'],
  },
  { test: 'http-dos-bypass-cache', file: 'http_dos_bypass_cache.log', logType: 'nginx', format: 'combined', read: 356, parsed: 356,
    clients: ['127.4.3.2', '127.1.2.10', '127.1.1.6', '127.3.2.1', '127.2.2.2', '127.0.0.2', '127.1.2.2', '127.0.0.9', '127.0.0.1', '127.1.1.3', '127.0.0.4', '127.0.0.3', '127.0.0.5', '127.1.1.2'],
  },
  { test: 'http-dos-invalid-http-versions', file: 'http-dos-invalid-http-versions.log', logType: 'nginx', format: 'combined', read: 6, parsed: 6,
    clients: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'],
  },
  { test: 'http-dos-random-uri', file: 'http_dos_random_uri.log', logType: 'nginx', format: 'combined', read: 66, parsed: 66,
    clients: ['127.0.0.1'],
  },
  { test: 'http-generic-test', file: 'http-generic-test.log', logType: 'nginx', format: 'combined', read: 1, parsed: 1,
    clients: ['127.0.0.1'],
  },
  { test: 'http-wordpress-scan', file: 'http-wordpress-scan.log', logType: 'nginx', format: 'combined', read: 8, parsed: 8,
    clients: ['127.0.0.1', '192.168.1.1'],
  },
  { test: 'http-wordpress_user-enum', file: 'http-wordpress_user-enum.log', logType: 'nginx', format: 'combined', read: 12, parsed: 12,
    clients: ['1.2.3.4', '1.2.3.5'],
  },
  {
    test: 'http-wordpress_wpconfig',
    note: 'nginx logging to syslog (single-digit day padded with a space): log_format string',
    file: 'http-wordpress_wpconfig.log', logType: 'nginx', format: SYSLOG_COMBINED, read: 15, parsed: 14,
    clients: ['167.71.13.196'],
    skipped: {
      15: { reason: 'blank', why: 'an empty line: the test file ends with an extra newline' },
    },
  },
  {
    test: 'ipv6-postoverflow',
    note: 'IPv6 written in full, canonicalised',
    file: 'ipv6-postoverflow.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['2001:db8:85a3::8a2e:370:7334'],
  },
  { test: 'litespeed-http-sensitive-files', file: 'litespeed-http-sensitive-files.log', logType: 'litespeed', format: 'combined', read: 6, parsed: 6,
    clients: ['192.168.9.163'],
  },
  { test: 'nginx-bad-user-agent', file: 'nginx-bad-user-agent.log', logType: 'nginx', format: 'combined', read: 3, parsed: 3,
    clients: ['127.0.0.1'],
  },
  {
    test: 'nginx-cve-2021-41773',
    note: 'every line carries a virtual host (`memze.ro`) and a trailing "$http_x_forwarded_for"',
    file: 'cve-2021-41773.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['23.94.26.138', '163.172.173.238'],
  },
  { test: 'nginx-http-backdoor', file: 'nginx-http-backdoor.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['127.0.0.1'],
  },
  { test: 'nginx-http-generic-bf', file: 'nginx-http-generic-bf.log', logType: 'nginx', format: 'combined', read: 22, parsed: 6,
    clients: ['127.0.0.1'],
    skipped: lines(1, 16, 'bad-address', 'nginx error-log lines (HTTP basic auth failures), not access-log lines'),
  },
  {
    test: 'nginx-http-malformed',
    note: 'Gh0st RAT and other binary probes on the HTTP port: tagged hits',
    file: 'nginx_http-logs.log', logType: 'nginx', format: 'combined', read: 12, parsed: 12,
    clients: ['1.2.3.4'],
  },
  { test: 'nginx-http-path-traversal', file: 'nginx-http-path-traversal.log', logType: 'nginx', format: 'combined', read: 9, parsed: 9,
    clients: ['127.0.0.1'],
  },
  { test: 'nginx-http-sensitive-files', file: 'nginx-http-sensitive-files.log', logType: 'nginx', format: 'combined', read: 9, parsed: 9,
    clients: ['127.0.0.1'],
  },
  { test: 'nginx-http-sqli-probing', file: 'nginx-http-sqli-probing.log', logType: 'nginx', format: 'combined', read: 16, parsed: 16,
    clients: ['127.0.0.1'],
  },
  { test: 'nginx-http-xss-probing', file: 'nginx-http-xss-probing.log', logType: 'nginx', format: 'combined', read: 26, parsed: 26,
    clients: ['127.0.0.1'],
  },
  {
    test: 'nginx-proxy-manager-malformed',
    note: 'the same junk probes, as nginx-proxy-manager writes them (combined)',
    file: 'nginx_http-logs.log', logType: 'nginx-proxy-manager', format: 'combined', read: 12, parsed: 12,
    clients: ['192.168.1.1'],
  },
  {
    test: 'nginx_http-logs',
    note: 'lines 4-6 carry a virtual host and are read as vhost_combined',
    file: 'nginx_http-logs.log', logType: 'nginx', format: 'combined', read: 9, parsed: 8,
    clients: ['192.168.1.1'],
    skipped: {
      9: { reason: 'bad-address', why: 'an nginx error-log line ("is not found"), not an access-log line' },
    },
  },
  { test: 'pulse-secure-sslvpn-cve-2019-11510', file: 'pulse-secure-sslvpn-cve-2019-11510.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['192.168.1.2', '192.168.1.3'],
  },
  { test: 'thinkphp-cve-2018-20062', file: 'thinkphp-cve-2018-20062.log', logType: 'nginx', format: 'combined', read: 8, parsed: 8,
    clients: ['192.168.1.1', '192.168.1.2', '192.168.1.3', '192.168.1.4', '192.168.1.5', '192.168.1.6', '192.168.1.7', '192.168.1.8'],
  },
  { test: 'traefik_base-http-scenario', file: 'traefik_base-http-scenario.log', logType: 'traefik', format: 'traefik', read: 80, parsed: 80,
    clients: ['172.17.0.1'],
  },
  { test: 'vmware-cve-2022-22954', file: 'vmware-cve-2022-22954.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['192.168.1.3', '192.168.1.4'],
  },
  { test: 'vmware-vcenter-vmsa-2021-0027', file: 'vmware-vcenter-vmsa-2021-0027.log', logType: 'nginx', format: 'combined', read: 2, parsed: 2,
    clients: ['192.168.1.3', '192.168.1.4'],
  },
  {
    test: 'zoraxy-http-bad-user-agent',
    note: 'Zoraxy\'s text log, read with a log_format string (ISO time with a space, no zone: UTC)',
    file: 'zoraxy.log', logType: 'zoraxy', format: ZORAXY, read: 2, parsed: 2,
    clients: ['192.168.1.1'],
  },
];
