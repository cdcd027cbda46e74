/**
 * Projects: one per county × catalogue project of a year, created when 二下 approves the plan, with
 * a fund account per source (分账核算: central / provincial / city / county). A project's history is
 * its own audit trail plus its line in every submission of the allocation that led to it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Allocation,
  AllocationBusy,
  allocationChange,
  getAllocation,
  listSubmissions,
  withAllocationRetry,
} from './allocation';
import { type Actor, type AuditEntry, auditPut, SYSTEM_ACTOR } from './audit';
import { canSeeProject, type Principal } from './auth';
import { type Ctx, stackCounty } from './context';
import { queryAll, transact } from './db';
import { Conflict, NotFound } from './errors';
import {
  type FundAccounts,
  newEvent,
  type OutboxEvent,
  outboxPut,
  type ProjectSummary,
  publishOutbox,
  SOURCE,
} from './events';
import { AUDIT_PREFIX, keys, stripKeys } from './keys';
import { approvedLines, type Line, latestOf, linesOf } from './prefill';

export const FUND_SOURCES = ['central', 'provincial', 'city', 'county'] as const;
export type FundSource = (typeof FUND_SOURCES)[number];

/** One source's account: what was planned, what arrived, what was paid out (万元). */
export interface FundAccount {
  planned: number;
  received: number;
  disbursed: number;
}

/** A project as stored. */
export interface Project {
  id: string;
  county: string;
  countyName: string;
  year: number;
  code: string;
  name: string;
  category: 'construction' | 'subsidy';
  leadDept: string;
  unit?: string;
  quantity: number;
  targets?: string;
  crossYear?: boolean;
  deadline?: string;
  responsibleUnit?: string;
  matching?: { city: number; county: number };
  schedule?: unknown;
  accounts: Record<FundSource, FundAccount>;
  total: number;
  status: 'approved';
  source: { planSubmissionId: string };
  createdAt: string;
  version: number;
}

/** Project id within a county: `<year>-<code>`. */
export function projectId(year: number, code: string): string {
  return `${year}-${code}`;
}

function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The planned amounts per source. */
export function plannedFunds(p: Pick<Project, 'accounts'>): FundAccounts {
  return {
    central: p.accounts.central.planned,
    provincial: p.accounts.provincial.planned,
    city: p.accounts.city.planned,
    county: p.accounts.county.planned,
  };
}

/** The cross-county list entry of a project. */
export function projectSummary(p: Project): ProjectSummary {
  return {
    id: p.id,
    county: p.county,
    countyName: p.countyName,
    year: p.year,
    code: p.code,
    name: p.name,
    category: p.category,
    leadDept: p.leadDept,
    unit: p.unit,
    quantity: p.quantity,
    funds: plannedFunds(p),
    total: p.total,
    status: p.status,
    version: p.version,
    updatedAt: p.createdAt,
  };
}

/** Builds the project of an approved plan line. */
export function projectFromLine(
  alloc: Allocation,
  line: Line,
  planSubmissionId: string,
  at: string,
): Project {
  const cat = alloc.projects.find((p) => p.code === line.projectCode);
  const f = (line.funds ?? {}) as Partial<FundAccounts>;
  const accounts = Object.fromEntries(
    FUND_SOURCES.map((s) => [s, { planned: cents(Number(f[s] ?? 0)), received: 0, disbursed: 0 }]),
  ) as Record<FundSource, FundAccount>;
  const total = cents(FUND_SOURCES.reduce((sum, s) => sum + accounts[s].planned, 0));
  return {
    id: projectId(alloc.year, line.projectCode),
    county: alloc.county,
    countyName: alloc.countyName,
    year: alloc.year,
    code: line.projectCode,
    name: String(line.projectName ?? cat?.name ?? line.projectCode),
    category: (line.category ?? cat?.category ?? 'subsidy') as Project['category'],
    leadDept: String(line.leadDept ?? cat?.leadDept ?? ''),
    unit: typeof line.unit === 'string' ? line.unit : cat?.unit,
    quantity: Number(line.quantity ?? 0),
    targets: typeof line.targets === 'string' ? line.targets : undefined,
    crossYear: line.crossYear === true,
    deadline: typeof line.deadline === 'string' ? line.deadline : undefined,
    responsibleUnit: typeof line.responsibleUnit === 'string' ? line.responsibleUnit : undefined,
    matching: line.matching as Project['matching'],
    schedule: line.schedule,
    accounts,
    total,
    status: 'approved',
    source: { planSubmissionId },
    createdAt: at,
    version: 1,
  };
}

/**
 * CreateProjects (system step after 二下): writes one project per approved line, each with its audit
 * entry and ProjectCreated event in one transaction, then closes the allocation. Safe to repeat:
 * projects that exist are left alone.
 */
export async function createProjects(
  ctx: Ctx,
  year: number,
): Promise<{ created: number; projectIds: string[] }> {
  stackCounty(ctx);
  const alloc = await getAllocation(ctx, year);
  if (!alloc) throw new NotFound(`no allocation for ${year}`);
  const subs = await listSubmissions(ctx, year);
  const plan = latestOf(subs, 'alloc-plan');
  const lines = approvedLines(subs);
  const ids: string[] = [];
  let created = 0;
  const events: OutboxEvent[] = [];
  for (const line of lines) {
    const now = ctx.now();
    const at = now.toISOString();
    const project = projectFromLine(alloc, line, plan?.id ?? '', at);
    ids.push(project.id);
    const event = newEvent(SOURCE.county, 'ProjectCreated', { project: projectSummary(project) });
    try {
      await transact(
        ctx.db,
        [
          {
            Put: {
              TableName: ctx.table,
              Item: {
                ...keys.project(project.id),
                ...keys.projectByYear(year, project.code),
                kind: 'project',
                ...project,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(
            ctx.table,
            keys.projectPartition(project.id),
            {
              at,
              action: 'project.created',
              by: SYSTEM_ACTOR,
              round: { year, step: '二下', submissionId: plan?.id },
              summary: `二下审定，生成项目：${project.name}，计划资金 ${project.total} 万元`,
              details: { accounts: project.accounts, quantity: project.quantity },
            },
            now,
          ),
          outboxPut(ctx.table, event, at),
        ],
        () => new Conflict('exists', 'ProjectExists'),
      );
      created += 1;
      events.push(event);
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
    }
  }
  await withAllocationRetry(async () => {
    const now = ctx.now();
    const at = now.toISOString();
    const current = (await getAllocation(ctx, year)) as Allocation;
    if (current.status === 'completed') return;
    const change = allocationChange(
      ctx,
      current,
      {
        step: 'createProjects',
        kind: 'finished',
        status: 'completed',
        extra: { completedAt: at, projectCount: ids.length },
      },
      at,
    );
    await transact(
      ctx.db,
      [
        change.item,
        auditPut(
          ctx.table,
          keys.allocationPartition(year),
          {
            at,
            action: 'allocation.completed',
            by: SYSTEM_ACTOR,
            round: { year },
            summary: `任务分解完成，生成 ${ids.length} 个项目`,
          },
          now,
        ),
        outboxPut(ctx.table, change.event, at),
      ],
      () => new AllocationBusy(),
    );
    events.push(change.event);
  });
  try {
    await publishOutbox(
      { db: ctx.db, table: ctx.table, events: ctx.events, busName: ctx.cfg.eventBusName },
      events,
    );
  } catch (e) {
    console.error(JSON.stringify({ level: 'warn', msg: 'publish deferred to sweeper', error: String(e) }));
  }
  return { created, projectIds: ids };
}

/** Reads a project the principal may see, or NotFound. */
export async function getProject(ctx: Ctx, p: Principal, id: string): Promise<Project> {
  if (!/^\d{4}-[A-Za-z0-9_-]{1,32}$/.test(id)) throw new NotFound('项目不存在');
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.project(id), ConsistentRead: true }),
  );
  const project = res.Item ? (stripKeys(res.Item) as unknown as Project) : undefined;
  if (!project || !canSeeProject(p, project)) throw new NotFound('项目不存在');
  return project;
}

/** One change in a project's history. */
export interface HistoryEntry {
  at: string;
  by: Actor;
  action: string;
  /** Which round: the allocation step and attempt (一上 #1, 一下, 二上 #2...). */
  round: { year: number; step?: string; formId?: string; attempt?: number; submissionId?: string };
  summary: string;
  /** The project's line as that step left it. */
  values?: unknown;
}

const STEP_ACTION: Record<string, string> = {
  'alloc-proposal': 'line.proposed',
  'alloc-review': 'line.reviewed',
  'alloc-control': 'line.controlFigures',
  'alloc-plan': 'line.planned',
  'alloc-approval': 'line.approved',
};

/** GET /projects/{id}/history: every change, oldest first: the line through the rounds, then the project's own. */
export async function projectHistory(ctx: Ctx, p: Principal, id: string): Promise<{ items: HistoryEntry[] }> {
  const project = await getProject(ctx, p, id);
  const subs = await listSubmissions(ctx, project.year);
  const lineHistory: HistoryEntry[] = [];
  for (const s of subs) {
    const line = linesOf(s.data).find((l) => l.projectCode === project.code);
    if (!line) continue;
    const decision = typeof line.decision === 'string' ? line.decision : undefined;
    lineHistory.push({
      at: s.at,
      by: s.by,
      action: STEP_ACTION[s.formId] ?? `line.${s.formId}`,
      round: { year: s.year, step: s.step, formId: s.formId, attempt: s.attempt, submissionId: s.id },
      summary: decision
        ? `${s.stepTitle ?? s.step}：${decision === 'approve' ? '同意' : '退回修改'}${line.comment ? `（${line.comment}）` : ''}`
        : `${s.stepTitle ?? s.step}：第${s.attempt}次报送`,
      values: line,
    });
  }
  const audit = await queryAll(ctx.db, ctx.table, keys.projectPartition(id), {
    prefix: AUDIT_PREFIX,
    consistent: true,
  });
  const own = audit.map((a) => {
    const e = stripKeys(a) as unknown as AuditEntry;
    return {
      at: e.at,
      by: e.by,
      action: e.action,
      round: e.round ?? { year: project.year },
      summary: e.summary,
      values: e.details,
    };
  });
  return { items: [...lineHistory, ...own].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) };
}
