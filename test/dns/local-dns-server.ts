import DNS from 'dns2';

// A real DNS server on 127.0.0.1 (random free port) for tests: each query goes to `answer`, which
// says what to send back — or 'silent' to never answer, like a dead resolver.

export type Reply = { rcode?: number; a?: string[]; aaaa?: string[]; ptr?: string[] } | 'silent';
export type Answer = (name: string, type: 'A' | 'AAAA' | 'PTR' | 'OTHER') => Reply;

export interface LocalDns {
  port: number;
  resolver: string;
  queries: string[];
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, 'A' | 'AAAA' | 'PTR'> = { 1: 'A', 28: 'AAAA', 12: 'PTR' };

export async function startLocalDns(answer: Answer): Promise<LocalDns> {
  const queries: string[] = [];
  const server = DNS.createUDPServer((request, send) => {
    const q = request.questions[0];
    if (!q) return;
    const type = TYPE_NAMES[q.type] ?? 'OTHER';
    queries.push(`${type} ${q.name}`);
    const reply = answer(q.name.toLowerCase(), type);
    if (reply === 'silent') return;
    const response = DNS.Packet.createResponseFromRequest(request);
    response.header.rcode = reply.rcode ?? 0;
    const base = { name: q.name, class: DNS.Packet.CLASS.IN, ttl: 60 };
    for (const address of reply.a ?? []) response.answers.push({ ...base, type: DNS.Packet.TYPE.A, address } as never);
    for (const address of reply.aaaa ?? []) response.answers.push({ ...base, type: DNS.Packet.TYPE.AAAA, address } as never);
    for (const domain of reply.ptr ?? []) response.answers.push({ ...base, type: DNS.Packet.TYPE.PTR, domain } as never);
    void send(response);
  });
  await server.listen(0, '127.0.0.1');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    resolver: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
