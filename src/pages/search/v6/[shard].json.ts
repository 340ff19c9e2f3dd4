import type { APIRoute, GetStaticPaths } from 'astro';
import { snapshot } from '../../../lib/snapshot.ts';
import { v6Shards } from '../../../site/search-shards.ts';

export const getStaticPaths = (() =>
  [...v6Shards(snapshot().pages()).entries()].map(([shard, keys]) => ({ params: { shard }, props: { keys } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(JSON.stringify(props.keys), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
