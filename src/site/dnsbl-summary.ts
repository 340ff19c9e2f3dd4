// The sentence above a report's blocklist table. Lists that failed or do not apply never count as
// answers: an address whose every lookup failed is "not checked", never clean.
import type { DnsblRow } from '../lib/snapshot-types.ts';

export function dnsblSummary(rows: readonly DnsblRow[]): string {
  if (rows.length === 0) return 'Not checked: no blocklist was queried for this address.';
  const answered = rows.filter((r) => r.status === 'listed' || r.status === 'not_listed');
  const listed = answered.filter((r) => r.status === 'listed');
  const failed = rows.filter((r) => r.status === 'error').length;
  const na = rows.filter((r) => r.status === 'skipped').length;
  const rest = [
    failed ? `${failed} could not be checked` : '',
    na ? `${na} ${na === 1 ? 'does' : 'do'} not cover this address family` : '',
  ].filter((s) => s).join('; ');
  if (answered.length === 0) return `Not checked: no blocklist answered (${rest}). This is not a clean result.`;
  const abuse = listed.filter((r) => r.abuse).length;
  const head = listed.length === 0
    ? `Not listed by any of the ${answered.length} ${answered.length === 1 ? 'list' : 'lists'} that answered`
    : `Listed by ${listed.length} of the ${answered.length} ${answered.length === 1 ? 'list' : 'lists'} that answered` +
      (abuse < listed.length ? ` (${abuse} for abuse, ${listed.length - abuse} as policy or range listings)` : '');
  return `${head}${rest ? `; ${rest}` : ''}.`;
}
