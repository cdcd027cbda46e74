/**
 * Projects: one per county × catalogue project of a year, with a fund account per source (分账核算:
 * central / provincial / city / county). A kit creates them (a system step of the workflow that
 * approves them); every workflow of the project year reads and extends them. A project's history is its own
 * audit trail plus what each kit contributes.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryEntry } from '../../contracts/api';
import type { FundAccounts, FundSource, ProjectSummary } from '../../contracts/domain';
import type { AuditEntry } from './audit';
import { canSeeProject, type Principal } from './auth';
import type { Ctx } from './context';
import { queryAll } from './db';
import { NotFound } from './errors';
import { AUDIT_PREFIX, keys, stripKeys } from './keys';

export type { HistoryEntry } from '../../contracts/api';
export { FUND_SOURCES, type FundSource } from '../../contracts/domain';

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
  status: string;
  /** What created it (e.g. the submission whose approval made it). */
  source: Record<string, string>;
  createdAt: string;
  version: number;
}

/** Project id within a county: `<year>-<code>`. */
export function projectId(year: number, code: string): string {
  return `${year}-${code}`;
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

/** The project's own audit trail, oldest first, as history entries. */
export async function projectAudit(ctx: Ctx, project: Project): Promise<HistoryEntry[]> {
  const audit = await queryAll(ctx.db, ctx.table, keys.projectPartition(project.id), {
    prefix: AUDIT_PREFIX,
    consistent: true,
  });
  return audit.map((a) => {
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
}
