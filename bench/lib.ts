/**
 * What the benchmark suites share: the result row, the results files under bench/results/, the
 * "run alone" check and a one-county twin on a throwaway data dir.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTwin, type Twin } from '../local/twin';

/** One result line of a suite, as `npm run bench` prints and summarises it. */
export interface Row {
  suite: string;
  metric: string;
  value: number | string;
  unit: string;
  note?: string;
}

/** bench/ itself; results go to bench/results/. */
export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The machine the figures were measured on. */
export function machine() {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/** Writes bench/results/<name>.json: `{ at, ...body }`, pretty-printed. */
export async function writeResult(name: string, body: Record<string, unknown>): Promise<void> {
  await mkdir(path.join(BENCH_DIR, 'results'), { recursive: true });
  await writeFile(
    path.join(BENCH_DIR, 'results', `${name}.json`),
    `${JSON.stringify({ at: new Date().toISOString(), ...body }, null, 2)}\n`,
  );
}

/** True when the module at `moduleUrl` (its import.meta.url) is the script Node was started with. */
export function isMain(moduleUrl: string): boolean {
  return !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

/** A running twin with one county on a fresh temp data dir; `close` stops it and removes the dir. */
export interface BenchTwin {
  twin: Twin;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts the twin on ephemeral ports with one county, logging nothing. */
export async function startBenchTwin(tmpPrefix: string, county: string): Promise<BenchTwin> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), tmpPrefix));
  try {
    const twin = await startTwin({
      port: 0,
      dynamodbPort: 0,
      sfnPort: 0,
      dataDir,
      counties: [county],
      log: () => {},
    });
    return {
      twin,
      dataDir,
      async close() {
        await twin.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
