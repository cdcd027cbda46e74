import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeEvents, encodeEvents } from './history-codec';

/** Row of a state machine (its current revision). */
export interface MachineRow {
  arn: string;
  name: string;
  revision_id: string;
  role_arn: string;
  type: string;
  created: number;
  updated: number | null;
  logging: string;
  tracing: string;
  next_version: number;
  published_revision: string | null;
}
/** Row of a published version. */
export interface VersionRow {
  arn: string;
  machine_arn: string;
  version: number;
  revision_id: string;
  role_arn: string;
  description: string | null;
  created: number;
}
/** Row of an alias; `routing` is the JSON routing configuration. */
export interface AliasRow {
  arn: string;
  machine_arn: string;
  name: string;
  description: string | null;
  routing: string;
  created: number;
  updated: number | null;
}
/** Row of an execution; `runtime` is the JSON of the running state (null once closed). */
export interface ExecutionRow {
  arn: string;
  machine_arn: string;
  name: string;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  start_date: number;
  stop_date: number | null;
  version_arn: string | null;
  alias_arn: string | null;
  revision_id: string;
  role_arn: string;
  runtime: string | null;
  next_due: number | null;
  runnable: number;
  rowid?: number;
}
/** One history event; `details` is the `<type>EventDetails` member (timestamps in epoch seconds). */
export interface HistoryEvent {
  id: number;
  prev: number | null;
  type: string;
  ts: number;
  details?: Record<string, unknown>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS revisions (id TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS machines (arn TEXT PRIMARY KEY, name TEXT NOT NULL, revision_id TEXT NOT NULL,
  role_arn TEXT NOT NULL, type TEXT NOT NULL, created REAL NOT NULL, updated REAL, logging TEXT NOT NULL,
  tracing TEXT NOT NULL, next_version INTEGER NOT NULL DEFAULT 1, published_revision TEXT);
CREATE TABLE IF NOT EXISTS versions (arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, version INTEGER NOT NULL,
  revision_id TEXT NOT NULL, role_arn TEXT NOT NULL, description TEXT, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS versions_machine ON versions(machine_arn, version);
CREATE TABLE IF NOT EXISTS aliases (arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL,
  description TEXT, routing TEXT NOT NULL, created REAL NOT NULL, updated REAL);
CREATE INDEX IF NOT EXISTS aliases_machine ON aliases(machine_arn, name);
CREATE TABLE IF NOT EXISTS executions (arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL,
  status TEXT NOT NULL, input TEXT NOT NULL, output TEXT, error TEXT, cause TEXT, start_date REAL NOT NULL,
  stop_date REAL, version_arn TEXT, alias_arn TEXT, revision_id TEXT NOT NULL, role_arn TEXT NOT NULL,
  runtime TEXT, next_due REAL, runnable INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS executions_machine ON executions(machine_arn, start_date);
CREATE INDEX IF NOT EXISTS executions_due ON executions(next_due) WHERE status = 'RUNNING';
CREATE TABLE IF NOT EXISTS history (exec INTEGER NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
  events TEXT NOT NULL, PRIMARY KEY (exec, first_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, exec INTEGER NOT NULL, events TEXT, runtime TEXT);
CREATE INDEX IF NOT EXISTS journal_exec ON journal(exec, seq);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, frame INTEGER NOT NULL,
  open INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notifications (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL,
  execution_arn TEXT NOT NULL, event TEXT NOT NULL);
`;

/** A status-change notification not yet acknowledged by its consumer; `event` is its JSON. */
export interface PendingNotification {
  seq: number;
  id: string;
  execution_arn: string;
  event: string;
}

/** What one flush writes for one execution. */
export interface ExecutionWrite {
  /** The in-memory execution: its `rowid` is set on insert (journal rows key on it). */
  owner: { rowid: number | null };
  row: ExecutionRow;
  insert: boolean;
  /** The row's status, dates, due time or runnable flag changed: update it (else it is left alone). */
  rowChanged: boolean;
  /** New history events, written as one JSON chunk in the journal row of this write. */
  events: HistoryEvent[];
  /** The execution's running state after this write (JSON), or null once it has closed. */
  runtime: string | null;
  openTokens: { token: string; frame: number }[];
  closedTokens: string[];
  /** Status-change notifications recorded with this write (same transaction); `seq` is set on insert. */
  notifications?: { seq?: number; id: string; event: string }[];
}

/**
 * The engine's durable store: one SQLite file (`<dataDir>/sfn.sqlite`, WAL) holding definitions,
 * state machines, versions, aliases, executions (with their running state), history and task tokens.
 * WAL with synchronous=NORMAL survives a killed process (committed pages are in the OS cache); only a
 * power loss can drop the last transactions.
 */
export class SfnStore {
  readonly db: Database.Database;
  readonly #s: Record<string, Database.Statement>;
  readonly #machines = new Map<string, MachineRow>();
  readonly #writeMany: (writes: ExecutionWrite[], acked: number[]) => void;

  /** `dataDir` null: an in-memory database (benchmarks only). */
  constructor(dataDir: string | null) {
    let file = ':memory:';
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      file = join(dataDir, 'sfn.sqlite');
    }
    this.db = new Database(file);
    // 16 KiB pages (set before WAL, so new files only): a batch of appended journal rows is written
    // in a quarter of the WAL frames, which halves the commit cost measured against 4 KiB pages.
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Checkpoint every 32 MiB of WAL. (A checkpointer thread with its own connection was tried: on
    // this 2-core machine it competed with the engine and made the callback hand-over's tail worse.)
    this.db.pragma('wal_autocheckpoint = 2048');
    this.db.pragma('cache_size = -32768');
    this.db.exec(SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.#s = {
      putRevision: p('INSERT OR IGNORE INTO revisions (id, definition) VALUES (?, ?)'),
      getRevision: p('SELECT definition FROM revisions WHERE id = ?'),
      getMachine: p('SELECT * FROM machines WHERE arn = ?'),
      putMachine:
        p(`INSERT OR REPLACE INTO machines (arn, name, revision_id, role_arn, type, created, updated, logging,
        tracing, next_version, published_revision) VALUES (@arn, @name, @revision_id, @role_arn, @type, @created,
        @updated, @logging, @tracing, @next_version, @published_revision)`),
      deleteMachine: p('DELETE FROM machines WHERE arn = ?'),
      listMachines: p('SELECT * FROM machines ORDER BY name LIMIT ? OFFSET ?'),
      getVersion: p('SELECT * FROM versions WHERE arn = ?'),
      putVersion:
        p(`INSERT INTO versions (arn, machine_arn, version, revision_id, role_arn, description, created)
        VALUES (@arn, @machine_arn, @version, @revision_id, @role_arn, @description, @created)`),
      deleteVersion: p('DELETE FROM versions WHERE arn = ?'),
      listVersions: p('SELECT * FROM versions WHERE machine_arn = ? ORDER BY version DESC LIMIT ? OFFSET ?'),
      deleteVersionsOf: p('DELETE FROM versions WHERE machine_arn = ?'),
      getAlias: p('SELECT * FROM aliases WHERE arn = ?'),
      putAlias:
        p(`INSERT OR REPLACE INTO aliases (arn, machine_arn, name, description, routing, created, updated)
        VALUES (@arn, @machine_arn, @name, @description, @routing, @created, @updated)`),
      deleteAlias: p('DELETE FROM aliases WHERE arn = ?'),
      listAliases: p('SELECT * FROM aliases WHERE machine_arn = ? ORDER BY name LIMIT ? OFFSET ?'),
      deleteAliasesOf: p('DELETE FROM aliases WHERE machine_arn = ?'),
      getExecution: p('SELECT rowid, * FROM executions WHERE arn = ?'),
      // Positional parameters: binding 17 named ones from an object cost as much as the insert.
      insertExecution: p(`INSERT INTO executions (arn, machine_arn, name, status, input, output, error, cause,
        start_date, stop_date, version_arn, alias_arn, revision_id, role_arn, runtime, next_due, runnable)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`),
      updateExecution: p(`UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop_date = ?,
        runtime = NULL, next_due = ?, runnable = ? WHERE rowid = ?`),
      dueExecutions: p(
        "SELECT arn FROM executions WHERE status = 'RUNNING' AND next_due IS NOT NULL AND next_due <= ? LIMIT 500",
      ),
      nextDue: p(
        "SELECT MIN(next_due) AS due FROM executions WHERE status = 'RUNNING' AND next_due IS NOT NULL",
      ),
      runnableExecutions: p("SELECT arn FROM executions WHERE status = 'RUNNING' AND runnable = 1"),
      appendJournal: p('INSERT INTO journal (exec, events, runtime) VALUES (?, ?, ?)'),
      history: p(
        'SELECT events FROM history WHERE exec = (SELECT rowid FROM executions WHERE arn = ?) ORDER BY first_id',
      ),
      journalEvents: p(
        'SELECT events FROM journal WHERE exec = (SELECT rowid FROM executions WHERE arn = ?) AND events IS NOT NULL ORDER BY seq',
      ),
      latestRuntime: p(
        'SELECT runtime FROM journal WHERE exec = ? AND runtime IS NOT NULL ORDER BY seq DESC LIMIT 1',
      ),
      getToken: p('SELECT * FROM tokens WHERE token = ?'),
      openToken: p('INSERT OR REPLACE INTO tokens (token, execution_arn, frame, open) VALUES (?, ?, ?, 1)'),
      closeToken: p('UPDATE tokens SET open = 0 WHERE token = ?'),
      insertNotification: p('INSERT INTO notifications (id, execution_arn, event) VALUES (?, ?, ?)'),
      deleteNotification: p('DELETE FROM notifications WHERE seq = ?'),
      pendingNotifications: p('SELECT * FROM notifications ORDER BY seq'),
    };
    this.#writeMany = this.db.transaction((writes: ExecutionWrite[], acked: number[]) => {
      const s = this.#s;
      for (const seq of acked) s.deleteNotification.run(seq);
      for (const w of writes) {
        let rowid = w.owner.rowid;
        const r = w.row;
        if (w.insert || rowid === null) {
          rowid = Number(
            s.insertExecution.run(
              r.arn,
              r.machine_arn,
              r.name,
              r.status,
              r.input,
              r.output,
              r.error,
              r.cause,
              r.start_date,
              r.stop_date,
              r.version_arn,
              r.alias_arn,
              r.revision_id,
              r.role_arn,
              r.next_due,
              r.runnable,
            ).lastInsertRowid,
          );
          w.owner.rowid = rowid;
        } else if (w.rowChanged) {
          s.updateExecution.run(
            r.status,
            r.output,
            r.error,
            r.cause,
            r.stop_date,
            r.next_due,
            r.runnable,
            rowid,
          );
        }
        // One appended row per execution and write: its new events and its running state. Appends
        // fill pages in order, where updating rows in place and a clustered history dirtied many.
        s.appendJournal.run(rowid, w.events.length ? encodeEvents(w.events) : null, w.runtime);
        for (const t of w.openTokens) s.openToken.run(t.token, w.row.arn, t.frame);
        for (const t of w.closedTokens) s.closeToken.run(t);
        if (w.notifications) {
          for (const n of w.notifications)
            n.seq = Number(s.insertNotification.run(n.id, w.row.arn, n.event).lastInsertRowid);
        }
      }
    });
  }

  /** Runs `fn` in one transaction. */
  tx<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      this.#machines.clear();
      throw e;
    }
  }

  putRevision(id: string, definition: string): void {
    this.#s.putRevision.run(id, definition);
  }
  getRevision(id: string): string | undefined {
    return (this.#s.getRevision.get(id) as { definition: string } | undefined)?.definition;
  }
  /** A copy of the machine row (rows are cached: StartExecution reads one per call; every write goes
   * through this store, and a rolled-back transaction clears the cache). */
  getMachine(arn: string): MachineRow | undefined {
    let row = this.#machines.get(arn);
    if (row === undefined) {
      row = this.#s.getMachine.get(arn) as MachineRow | undefined;
      if (!row) return undefined;
      this.#machines.set(arn, row);
    }
    return { ...row };
  }
  putMachine(row: MachineRow): void {
    this.#machines.delete(row.arn);
    this.#s.putMachine.run(row);
  }
  deleteMachine(arn: string): void {
    this.#machines.delete(arn);
    this.#s.deleteMachine.run(arn);
    this.#s.deleteVersionsOf.run(arn);
    this.#s.deleteAliasesOf.run(arn);
  }
  listMachines(limit: number, offset: number): MachineRow[] {
    return this.#s.listMachines.all(limit, offset) as MachineRow[];
  }
  getVersion(arn: string): VersionRow | undefined {
    return this.#s.getVersion.get(arn) as VersionRow | undefined;
  }
  putVersion(row: VersionRow): void {
    this.#s.putVersion.run(row);
  }
  deleteVersion(arn: string): void {
    this.#s.deleteVersion.run(arn);
  }
  listVersions(machineArn: string, limit: number, offset: number): VersionRow[] {
    return this.#s.listVersions.all(machineArn, limit, offset) as VersionRow[];
  }
  getAlias(arn: string): AliasRow | undefined {
    return this.#s.getAlias.get(arn) as AliasRow | undefined;
  }
  putAlias(row: AliasRow): void {
    this.#s.putAlias.run(row);
  }
  deleteAlias(arn: string): void {
    this.#s.deleteAlias.run(arn);
  }
  listAliases(machineArn: string, limit: number, offset: number): AliasRow[] {
    return this.#s.listAliases.all(machineArn, limit, offset) as AliasRow[];
  }
  getExecution(arn: string): ExecutionRow | undefined {
    return this.#s.getExecution.get(arn) as ExecutionRow | undefined;
  }
  /** Executions of a machine (optionally only those started through a version/alias), newest first. */
  listExecutions(q: {
    machineArn: string;
    versionArn?: string;
    aliasArn?: string;
    status?: string;
    limit: number;
    after?: { start: number; rowid: number };
  }): ExecutionRow[] {
    const where = ['machine_arn = @machineArn'];
    if (q.versionArn) where.push('version_arn = @versionArn');
    if (q.aliasArn) where.push('alias_arn = @aliasArn');
    if (q.status) where.push('status = @status');
    if (q.after) where.push('(start_date < @start OR (start_date = @start AND rowid < @rowid))');
    const sql = `SELECT rowid, arn, machine_arn, name, status, start_date, stop_date, version_arn, alias_arn
      FROM executions WHERE ${where.join(' AND ')} ORDER BY start_date DESC, rowid DESC LIMIT @limit`;
    return this.db.prepare(sql).all({ ...q, start: q.after?.start, rowid: q.after?.rowid }) as ExecutionRow[];
  }
  dueExecutions(now: number): string[] {
    return (this.#s.dueExecutions.all(now) as { arn: string }[]).map((r) => r.arn);
  }
  /** Earliest due time of any running execution (null when nothing waits on time). */
  nextDue(): number | null {
    return (this.#s.nextDue.get() as { due: number | null }).due;
  }
  runnableExecutions(): string[] {
    return (this.#s.runnableExecutions.all() as { arn: string }[]).map((r) => r.arn);
  }
  /** Every history event of an execution, in id order (chunks written before the journal first). */
  history(arn: string): HistoryEvent[] {
    const out: HistoryEvent[] = [];
    for (const r of this.#s.history.all(arn) as { events: string }[]) decodeEvents(r.events, out);
    for (const r of this.#s.journalEvents.all(arn) as { events: string }[]) decodeEvents(r.events, out);
    return out;
  }
  /** The latest running state written for an execution row (null when the journal has none). */
  latestRuntime(rowid: number): string | null {
    return (this.#s.latestRuntime.get(rowid) as { runtime: string } | undefined)?.runtime ?? null;
  }
  getToken(token: string): { token: string; execution_arn: string; frame: number; open: number } | undefined {
    return this.#s.getToken.get(token) as
      | { token: string; execution_arn: string; frame: number; open: number }
      | undefined;
  }
  /**
   * Writes a batch of executions (rows, new history events, token changes, status-change
   * notifications) in one transaction, and deletes the notifications `acked` (by seq) in it too.
   */
  writeExecutions(writes: ExecutionWrite[], acked: number[] = []): void {
    if (writes.length || acked.length) this.#writeMany(writes, acked);
  }
  /** Notifications recorded and not yet acknowledged, oldest first. */
  pendingNotifications(): PendingNotification[] {
    return this.#s.pendingNotifications.all() as PendingNotification[];
  }
  /** Closes the database. */
  async close(): Promise<void> {
    this.db.close();
  }
}
