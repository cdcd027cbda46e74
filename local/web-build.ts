/**
 * Keeps `web/dist` current for `npm start`: a fresh clone has no build (it is git-ignored), and a
 * stale build would show an app that no longer matches the API. Builds with Vite in-process only
 * when the build is missing or older than its sources; CloudFront serves the same `web/dist` in AWS.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Files and folders whose changes make the built app stale. */
const SOURCES = ['web/src', 'web/index.html', 'web/vite.config.ts', 'forms/generated', 'forms/definitions'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** True when `web/dist/index.html` is missing or older than any web source. */
export function webBuildStale(root: string): boolean {
  const index = path.join(root, 'web/dist/index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

/**
 * Builds the web app when stale. Set MINSHENG_SKIP_WEB_BUILD=1 to serve whatever is there (or the
 * twin's placeholder page) without building.
 */
export async function ensureWebBuilt(
  root: string,
  log: (line: string) => void,
): Promise<'fresh' | 'built' | 'skipped'> {
  if (process.env.MINSHENG_SKIP_WEB_BUILD === '1') return 'skipped';
  if (!webBuildStale(root)) return 'fresh';
  const t0 = performance.now();
  log('web: building web/dist with Vite (missing or older than its sources)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'web/vite.config.ts'), logLevel: 'warn' });
  log(`web: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return 'built';
}
