/**
 * `npm run bench`: runs every benchmark, prints each figure with its ratio to a baseline measured in
 * the same run, and writes bench/results.md with the machine's description.
 * `npm run bench -- <name>...` runs only the benchmarks whose names contain one of the words and
 * prints its table without touching bench/results.md, which always holds a complete run.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, type as osType, release, totalmem } from 'node:os';
import type { Bench, Figure } from './lib.js';

const modules = await Promise.all([
  import('./verify.bench.js'),
  import('./middleware.bench.js'),
  import('./dedupe-stores.bench.js'),
  import('./deliveries.bench.js'),
  import('./api.bench.js'),
  import('./emit-latency.bench.js'),
  import('./retry-memory.bench.js'),
  import('./store.bench.js'),
]);
const benches: Bench[] = modules.flatMap((m) => Object.values(m) as Bench[]);

const only = process.argv.slice(2);
const selected =
  only.length === 0 ? benches : benches.filter((bench) => only.some((name) => bench.name.includes(name)));
if (selected.length === 0) {
  console.error(
    `no benchmark name contains ${only.join(' or ')}; the names are: ${benches.map((b) => b.name).join(', ')}`,
  );
  process.exit(1);
}
const results: Figure[] = [];
for (const bench of selected) {
  process.stderr.write(`running ${bench.name}...\n`);
  for (const f of await bench.run()) {
    results.push(f);
    console.log(
      `${f.met ? 'met   ' : 'MISSED'} ${f.name}: ${fmt(f.value)} ${f.unit} vs ${f.baseline} ${fmt(f.baselineValue)} -> ratio ${f.ratio.toFixed(3)} (target ${f.target})${f.notes ? ` [${f.notes}]` : ''}`,
    );
  }
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${osType()} ${release()}, Node ${process.version}`;
const table = results
  .map(
    (f) =>
      `| ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.baseline}: ${fmt(f.baselineValue)} | ${f.ratio.toFixed(3)} | ${f.target} | ${f.met ? 'met' : '**missed**'} |`,
  )
  .join('\n');
const report = `# Benchmark results\n\nMachine: ${machine}\nRun: ${new Date().toISOString()}\n\n| figure | value | baseline (same run) | ratio | target | |\n|---|---|---|---|---|---|\n${table}\n`;
if (only.length === 0) {
  await writeFile(new URL('./results.md', import.meta.url), report);
} else {
  console.log(`\n${report}\n(a partial run: bench/results.md is left as it was)`);
}
