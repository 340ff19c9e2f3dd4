import { PilloryError } from '../core/errors.ts';
import { reversedLabels } from '../dns/reverse-name.ts';

/** `<reversed address>.<zone>`: IPv4 octets reversed, IPv6 as 32 reversed nibbles, ::ffff: as IPv4. */
export function dnsblQueryName(ip: string, zone: string): string {
  const labels = reversedLabels(ip);
  if (!labels) throw new PilloryError('BAD_ADDRESS', `not an address: ${JSON.stringify(ip.slice(0, 80))}`);
  return `${labels}.${zone.replace(/^\.+|\.+$/g, '')}`;
}
