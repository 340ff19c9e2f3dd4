#!/usr/bin/env node
// The `pillory` command. TypeScript sources run through tsx's loader, so there is no separate
// compile step to forget; all logic lives in src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
