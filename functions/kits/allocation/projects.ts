/**
 * CreateProjects, the allocation's system step after 二下: one project per approved line, each with
 * its audit entry and ProjectCreated event in one transaction, then the instance's `projectCount`
 * fact. Safe to repeat: projects that exist are left alone.
 */
import { type CatalogueProject, FUND_SOURCES, type FundAccounts } from '../../../contracts/domain';
import type { SystemStepPayload } from '../../../contracts/steps';
import { auditPut, SYSTEM_ACTOR } from '../../core/audit';
import { transact } from '../../core/db';
import { Conflict } from '../../core/errors';
import { newEvent, type OutboxEvent, outboxPut } from '../../core/events';
import { keys } from '../../core/keys';
import { type FundAccount, type Project, projectId, projectSummary } from '../../core/project';
import type { Runtime } from '../../runtime/context';
import { instanceChange, instanceOfRef, publishSoon } from '../../runtime/instances';
import type { Instance } from '../../runtime/kit';
import { listSubmissions } from '../../runtime/submissions';
import { ALLOCATION_FORMS, approvedLines, type Line, latestOf } from './prefill';

function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The catalogue an allocation instance started with. */
export function catalogueOf(inst: Pick<Instance, 'input'>): CatalogueProject[] {
  return (inst.input.projects as CatalogueProject[] | undefined) ?? [];
}

/** Builds the project of an approved plan line. */
export function projectFromLine(inst: Instance, line: Line, planSubmissionId: string, at: string): Project {
  const cat = catalogueOf(inst).find((p) => p.code === line.projectCode);
  const f = (line.funds ?? {}) as Partial<FundAccounts>;
  const accounts = Object.fromEntries(
    FUND_SOURCES.map((s) => [s, { planned: cents(Number(f[s] ?? 0)), received: 0, disbursed: 0 }]),
  ) as Record<(typeof FUND_SOURCES)[number], FundAccount>;
  const total = cents(FUND_SOURCES.reduce((sum, s) => sum + accounts[s].planned, 0));
  return {
    id: projectId(inst.year, line.projectCode),
    county: inst.stack,
    countyName: inst.countyName ?? inst.stack,
    year: inst.year,
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

export async function createProjects(
  rt: Runtime,
  payload: SystemStepPayload,
): Promise<{ created: number; projectIds: string[] }> {
  const inst = await instanceOfRef(rt, payload.instance);
  const subs = await listSubmissions(rt, payload.instance);
  const plan = latestOf(subs, ALLOCATION_FORMS.plan);
  const ids: string[] = [];
  let created = 0;
  const events: OutboxEvent[] = [];
  for (const line of approvedLines(subs)) {
    const now = rt.now();
    const at = now.toISOString();
    const project = projectFromLine(inst, line, plan?.id ?? '', at);
    ids.push(project.id);
    const event = newEvent(rt.source, 'ProjectCreated', { project: projectSummary(project) });
    try {
      await transact(
        rt.db,
        [
          {
            Put: {
              TableName: rt.table,
              Item: {
                ...keys.project(project.id),
                ...keys.projectByYear(inst.year, project.code),
                kind: 'project',
                ...project,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(
            rt.table,
            keys.projectPartition(project.id),
            {
              at,
              action: 'project.created',
              by: SYSTEM_ACTOR,
              round: { year: inst.year, step: payload.step, submissionId: plan?.id },
              summary: `二下审定，生成项目：${project.name}，计划资金 ${project.total} 万元`,
              details: { accounts: project.accounts, quantity: project.quantity },
            },
            now,
          ),
          outboxPut(rt.table, event, at),
        ],
        () => new Conflict('exists', 'ProjectExists'),
      );
      created += 1;
      events.push(event);
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
    }
  }
  // The count of projects the round overview shows, kept on the instance.
  for (let tries = 0; tries < 5; tries++) {
    const current = await instanceOfRef(rt, payload.instance);
    if (current.facts?.projectCount === ids.length) break;
    const change = instanceChange(rt, current, { facts: { projectCount: ids.length } });
    try {
      await transact(
        rt.db,
        [change.item, outboxPut(rt.table, change.event, rt.now().toISOString())],
        () => new Conflict('moved', 'InstanceMoved'),
      );
      events.push(change.event);
      break;
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
    }
  }
  await publishSoon(rt, events);
  return { created, projectIds: ids };
}
