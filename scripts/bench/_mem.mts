import { DetectCore } from '../../src/pipeline/detect-core.ts';
const core = new DetectCore({ paths: [process.argv[2]!], format: 'combined', jsonFields: {}, maxLineBytes: 65536, trustedProxies: [], cdnRanges: [], known: [], ends: [], idBase: 1, horizon: -Infinity, scorePrivate: false, ipv6Prefix: 64, windowMs: 90 * 86400000, slackMs: 120000, maxUserAgents: 12, frontier: -Infinity, db: null, fakeCrawlers: [], known_actors: [], thread: 0, threads: 1, vhostFirst: false });
await core.read();
(globalThis as any).gc?.();
{ const m = process.memoryUsage(); console.log('after read', Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1048576)]))); }

const p = core.finish(-Infinity, -Infinity);
console.log('after finish heap', Math.round(process.memoryUsage().heapUsed / 1048576), 'rss', Math.round(process.memoryUsage.rss() / 1048576), p.keys.length);
