import { parentPort, workerData } from 'node:worker_threads';
import { DetectCore, type DetectInput } from './detect-core.ts';

// A detection thread: reads its share (detect-core.ts), reports, waits for the run's window, finishes.

const port = parentPort!;
const core = new DetectCore(workerData as DetectInput);
port.postMessage({ type: 'read', report: await core.read() });
port.once('message', (m: { windowStart: number; frontier: number }) => {
  const p = core.finish(m.windowStart, m.frontier);
  port.postMessage({ type: 'done', packed: p }, [p.nums.buffer as ArrayBuffer, p.offsets.buffer as ArrayBuffer, p.bytes.buffer as ArrayBuffer]);
});
