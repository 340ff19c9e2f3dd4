import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A registry RDAP service on 127.0.0.1 (random free port) for tests: `answer` decides the reply
// to each request path; 'silent' never answers, like a registry that is down.

export type RdapReply = { status?: number; json?: unknown; body?: string; location?: string } | 'silent';

export interface LocalRdap {
  base: string;
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startLocalRdap(answer: (path: string) => RdapReply): Promise<LocalRdap> {
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(path);
    const reply = answer(path);
    if (reply === 'silent') { hanging.add(res); return; }
    const headers: Record<string, string> = { 'content-type': 'application/rdap+json' };
    if (reply.location) headers.location = reply.location;
    res.writeHead(reply.status ?? 200, headers);
    res.end(reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}/rdap/`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A bootstrap file sending every address to `base` (and naming `other` as a second registry). */
export function bootstrapFile(base: string, other?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pillory-rdap-'));
  const file = join(dir, 'bootstrap.yaml');
  const servers = other ? `  test: ${base}\n  other: ${other}\n` : `  test: ${base}\n`;
  writeFileSync(file, `servers:\n${servers}ipv4:\n  test: [192, 198, 203]\nipv6:\n  test: [2001:db8::/32]\ndefault: test\n`);
  return file;
}

/** An RDAP "ip network" answer in the shape registries use (abuse nested in the org for ARIN style). */
export function networkJson(start: string, end: string, email: string | null, nested = false): unknown {
  const abuse = email
    ? [{ objectClassName: 'entity', handle: 'ABUSE-1', roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', 'Abuse desk'], ['email', {}, 'text', email]]] }]
    : [];
  const registrant = { objectClassName: 'entity', handle: 'ORG-1', roles: ['registrant'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['email', {}, 'text', 'noc@example.net']]], entities: nested ? abuse : [] };
  return {
    objectClassName: 'ip network', handle: 'NET-EXAMPLE-1', name: 'EXAMPLE-NET', startAddress: start, endAddress: end, ipVersion: start.includes(':') ? 'v6' : 'v4',
    entities: nested ? [registrant] : [registrant, ...abuse],
  };
}
