/**
 * Bundles function entries with esbuild the way CDK's NodejsFunction does, with the same options
 * (contracts/bundling.ts: one ESM bundle per function, the AWS SDK inside), into `<buildDir>/`. A bundle is reused while none of
 * the files that went into it changed (size + mtime of every input esbuild reported), so a restart
 * costs a few stat calls, not a rebuild.
 *
 * Why bundles and not a TypeScript loader in the worker: bundles do not depend on how the parent
 * process runs TypeScript (tsx, vitest, plain node), they behave like what Lambda runs (same
 * module format, same inlined dependencies), and a warm bundle loads in milliseconds.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BUNDLE } from '../../contracts/bundling';

/** A function entry failed to bundle (syntax error, missing import). */
export class FunctionBuildError extends Error {
  override name = 'FunctionBuildError';
}

interface CacheRecord {
  key: string;
  inputs: Record<string, [number, number]>;
}

export interface BuiltBundle {
  file: string;
  fromCache: boolean;
}

/** Builds and caches bundles under one folder; builds of the same output are shared. */
export class Bundler {
  readonly #root: string;
  readonly #buildDir: string;
  readonly #pending = new Map<string, Promise<BuiltBundle>>();

  readonly #replace: Record<string, string>;

  /**
   * `replace` maps a module of the repository (path relative to the root) to another file that
   * bundles take in its place: the twin builds test fixtures' kits into the functions this way.
   */
  constructor(opts: { root: string; buildDir: string; replace?: Record<string, string> }) {
    this.#root = opts.root;
    this.#buildDir = opts.buildDir;
    this.#replace = Object.fromEntries(
      Object.entries(opts.replace ?? {}).map(([from, to]) => [
        path.resolve(opts.root, from),
        path.resolve(to),
      ]),
    );
  }

  /** An esbuild plugin resolving the replaced modules to their stand-ins. */
  #replacer(): esbuild.Plugin[] {
    const replace = this.#replace;
    if (Object.keys(replace).length === 0) return [];
    return [
      {
        name: 'minsheng-replace',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, (args) => {
            const base = path.resolve(args.resolveDir, args.path);
            const hit = replace[base] ?? replace[`${base}.ts`];
            return hit ? { path: hit } : undefined;
          });
        },
      },
    ];
  }

  /** Bundle of a Lambda function entry (path relative to the repository root). */
  function(id: string, entry: string): Promise<BuiltBundle> {
    return this.#once(`functions/${id}.mjs`, entry, true);
  }

  /** Bundle of a twin-internal module that must run without a TypeScript loader (the worker). */
  internal(name: string, entry: string): Promise<BuiltBundle> {
    return this.#once(`${name}.mjs`, entry, false);
  }

  #once(out: string, entry: string, lambda: boolean): Promise<BuiltBundle> {
    let p = this.#pending.get(out);
    if (!p) {
      p = this.#build(out, entry, lambda);
      this.#pending.set(out, p);
      // A failed build may be fixed by editing the source; let the next call try again.
      p.catch(() => this.#pending.delete(out));
    }
    return p;
  }

  async #build(out: string, entry: string, lambda: boolean): Promise<BuiltBundle> {
    const outfile = path.join(this.#buildDir, out);
    const cacheFile = `${outfile}.inputs.json`;
    const key = JSON.stringify({ entry, lambda, esbuild: esbuild.version, replace: this.#replace, v: 1 });
    if (await this.#fresh(outfile, cacheFile, key)) return { file: outfile, fromCache: true };
    await mkdir(path.dirname(outfile), { recursive: true });
    await rm(cacheFile, { force: true });
    let result: esbuild.BuildResult<{ metafile: true }>;
    try {
      result = await esbuild.build({
        absWorkingDir: this.#root,
        entryPoints: [path.resolve(this.#root, entry)],
        outfile,
        bundle: true,
        platform: 'node',
        // The options CDK bundles with (contracts/bundling.ts); only the source map is kept unminified-friendly.
        format: BUNDLE.format,
        target: BUNDLE.target,
        mainFields: [...BUNDLE.mainFields],
        minify: lambda && BUNDLE.minify,
        sourcemap: 'linked',
        metafile: true,
        logLevel: 'silent',
        plugins: this.#replacer(),
        external: [...BUNDLE.external],
        banner: { js: BUNDLE.banner },
      });
    } catch (e) {
      const errors = (e as { errors?: esbuild.Message[] }).errors ?? [];
      const detail = errors
        .map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`)
        .join('\n');
      throw new FunctionBuildError(`cannot bundle ${entry}: ${detail || (e as Error).message}`);
    }
    const inputs: CacheRecord['inputs'] = {};
    for (const rel of Object.keys(result.metafile.inputs)) {
      const abs = path.resolve(this.#root, rel);
      const s = await stat(abs).catch(() => undefined);
      if (s) inputs[abs] = [s.size, s.mtimeMs];
    }
    await writeFile(cacheFile, JSON.stringify({ key, inputs } satisfies CacheRecord));
    return { file: outfile, fromCache: false };
  }

  async #fresh(outfile: string, cacheFile: string, key: string): Promise<boolean> {
    if (!existsSync(outfile)) return false;
    let rec: CacheRecord;
    try {
      rec = JSON.parse(await readFile(cacheFile, 'utf8')) as CacheRecord;
    } catch {
      return false;
    }
    if (rec.key !== key) return false;
    for (const [file, [size, mtime]] of Object.entries(rec.inputs)) {
      const s = await stat(file).catch(() => undefined);
      if (!s || s.size !== size || s.mtimeMs !== mtime) return false;
    }
    return true;
  }
}
