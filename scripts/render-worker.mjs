#!/usr/bin/env node
// One Astro build over part of the site, started by buildSite() (src/site/build-site.ts). Like the
// `pillory` command, the TypeScript sources run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { runRenderWorker } = await import('../src/site/render-worker.ts');
process.exitCode = await runRenderWorker(process.argv.slice(2));
