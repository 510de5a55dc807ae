// `npm run bench [area...]`: runs each area's benchmark in turn. Every benchmark prints its numbers beside a
// baseline measured in the same run; nothing here asserts a speed.
const areas: Record<string, () => Promise<{ default: () => Promise<void> }>> = {
  lineage: () => import('./lineage.js'),
  generate: () => import('./generate.js'),
  'cmp-server': () => import('./cmp-server.js'),
  gob: () => import('./gob.js'),
  yamux: () => import('./yamux.js'),
  rollouts: () => import('./rollouts.js'),
  'rollouts-transport': () => import('./rollouts-transport.js'),
  canary: () => import('./canary.js'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(areas);
  for (const name of names) {
    const load = areas[name];
    if (!load) throw new Error(`unknown bench area "${name}"; known: ${Object.keys(areas).join(', ')}`);
    process.stdout.write(`\n=== bench: ${name} ===\n`);
    const started = performance.now();
    await (await load()).default();
    process.stdout.write(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
