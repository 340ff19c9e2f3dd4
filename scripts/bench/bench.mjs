#!/usr/bin/env node
// `npm run bench`: see run-bench.ts. TypeScript runs through tsx, as for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./run-bench.ts');
