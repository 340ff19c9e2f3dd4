import { StateWriter } from '../../src/detect/state-codec.ts';
const w = new StateWriter();
const t = process.cpuUsage();
let total = 0;
for (let i = 0; i < 1e6; i++) {
  w.reset();
  w.uint(2); w.time(1.7e12 + i, 0); w.uint(3); w.time(1.7e12 + i, 1.7e12); w.time(1.7e12 + i + 5000, 1.7e12);
  w.uint(1); w.int(19700); w.uint(3); w.uint(2); w.int(5); w.uint(3); w.int(102); w.uint(3); w.uint(1); w.f64(123456789.5); w.uint(0); w.uint(0); w.uint(0);
  w.uint(2); w.f64(9e15); w.time(1.7e12 + i, 1.7e12); w.uint(1); w.uint(0); w.uint(0); w.f64(8e15); w.uint(3); w.time(1.7e12, 1.7e12); w.time(1.7e12, 1.7e12); w.uint(1); w.time(1.7e12, 1.7e12); w.uint(123456); w.uint(0); w.uint(1); w.f64(1.5);
  total += w.bytes().length;
}
const c = process.cpuUsage(t);
console.log('1M encodes', Math.round((c.user + c.system) / 1000), 'ms', total / 1e6, 'bytes each');
