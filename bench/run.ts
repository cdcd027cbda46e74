/**
 * `npm run bench`: runs every benchmark suite in turn (they share two cores, so never in parallel),
 * prints one table and writes `bench/results/summary.json`. Each suite module exports
 * `run(): Promise<Row[]>` and also writes its own detailed results file.
 * Pass suite names to run a subset: `npm run bench -- sfn api`.
 */
import { machine, type Row, writeResult } from './lib';

const SUITES = ['sfn', 'api', 'web', 'dynamodb'] as const;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const suites = wanted.length ? SUITES.filter((s) => wanted.includes(s)) : SUITES;
  const rows: Row[] = [];
  let failed = false;
  for (const suite of suites) {
    process.stderr.write(`bench: running ${suite}…\n`);
    try {
      const mod = (await import(`./${suite}.ts`)) as { run: () => Promise<Row[]> };
      rows.push(...(await mod.run()));
    } catch (err) {
      failed = true;
      process.stderr.write(`bench: ${suite} failed: ${(err as Error).stack ?? err}\n`);
      rows.push({ suite, metric: 'error', value: String((err as Error).message), unit: '' });
    }
  }
  printTable(rows);
  await writeResult('summary', { machine: machine(), rows });
  if (failed) process.exitCode = 1;
}

function printTable(rows: Row[]): void {
  const header = ['suite', 'metric', 'value', 'unit', 'note'];
  const cells = rows.map((r) => [
    r.suite,
    r.metric,
    typeof r.value === 'number' ? fmt(r.value) : r.value,
    r.unit,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => width(c[i]))));
  const line = (c: string[]) => c.map((s, i) => s + ' '.repeat(widths[i] - width(s))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1);
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

await main();
