/**
 * Allocation rounds (city table): the city office opens a year's 二上二下 with the catalogue; the
 * round is recorded once per year and WorkflowStartRequested asks every county (or the listed ones)
 * to start its allocation instance. Progress per county is the city's generic instance overview of
 * the `allocation` workflow for the year's subject.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CatalogueProject } from '../../../contracts/domain';
import { actorOf, auditPut } from '../../core/audit';
import { canSeeStack, type Principal } from '../../core/auth';
import type { Ctx } from '../../core/context';
import { transact } from '../../core/db';
import { Conflict, Forbidden, NotFound } from '../../core/errors';
import { newEvent, outboxPut, publishOutbox } from '../../core/events';
import { keys, stripKeys } from '../../core/keys';
import { log } from '../../core/log';
import { instanceViews } from '../../runtime/views';
import type { RoundCounty, RoundView } from './contracts';
import { ALLOCATION, allocationSubject } from './kit';

export type { RoundCounty, RoundView } from './contracts';

/** The body of POST /allocation-rounds (checked at the edge). */
export interface OpenRoundRequest {
  year: number;
  projects: CatalogueProject[];
  counties?: (string | { code: string; name?: string })[];
}

/** A round as stored. */
export interface Round {
  year: number;
  roundId: string;
  projects: CatalogueProject[];
  counties?: { code: string; name?: string }[];
  openedAt: string;
  openedBy: { sub: string; name: string; org: string };
  status: 'open';
}

const ROUND = 'allocationRound';

/** May open an allocation round. */
export function canOpenRound(p: Principal): boolean {
  return p.roles.includes('city_office');
}

/** POST /allocation-rounds: records the round (once per year) and asks the counties to start. */
export async function openRound(
  ctx: Ctx,
  p: Principal,
  req: OpenRoundRequest,
): Promise<{ year: number; roundId: string; status: 'open'; openedAt: string }> {
  if (!canOpenRound(p)) throw new Forbidden('只有市民生办可以开启年度任务分解');
  const codes = new Set<string>();
  for (const proj of req.projects) {
    if (codes.has(proj.code)) throw new Conflict(`项目编码重复：${proj.code}`, 'DuplicateProject');
    codes.add(proj.code);
  }
  const now = ctx.now();
  const at = now.toISOString();
  const counties = req.counties?.map((c) => (typeof c === 'string' ? { code: c } : c));
  const round: Round = {
    year: req.year,
    roundId: String(req.year),
    projects: req.projects,
    counties,
    openedAt: at,
    openedBy: actorOf(p),
    status: 'open',
  };
  const event = newEvent(ctx.source, 'WorkflowStartRequested', {
    workflowId: ALLOCATION,
    input: { year: req.year, roundId: round.roundId, projects: req.projects },
    counties,
    requestedBy: p.username,
    at,
  });
  await transact(
    ctx.db,
    [
      {
        Put: {
          TableName: ctx.table,
          Item: {
            ...keys.record(ROUND, String(req.year)),
            ...keys.recordByType(ROUND, String(req.year)),
            kind: 'round',
            ...round,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      auditPut(
        ctx.table,
        keys.recordPartition(ROUND, String(req.year)),
        {
          at,
          action: 'round.opened',
          by: actorOf(p),
          round: { year: req.year },
          summary: `开启${req.year}年度任务分解，项目 ${req.projects.length} 个`,
        },
        now,
      ),
      outboxPut(ctx.table, event, at),
    ],
    () => new Conflict(`${req.year}年度任务分解已开启`, 'RoundAlreadyOpen'),
  );
  try {
    await publishOutbox({ db: ctx.db, table: ctx.table, events: ctx.events, busName: ctx.cfg.eventBusName }, [
      event,
    ]);
  } catch (e) {
    log.warn('publish deferred to sweeper', { error: String(e) });
  }
  return { year: req.year, roundId: round.roundId, status: 'open', openedAt: at };
}

/** GET /allocation-rounds/{year}: the round and the progress of each county the caller may see. */
export async function getRound(ctx: Ctx, p: Principal, year: number): Promise<RoundView> {
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.record(ROUND, String(year)), ConsistentRead: true }),
  );
  if (!res.Item) throw new NotFound('该年度任务分解未开启');
  const round = stripKeys(res.Item) as unknown as Round;
  const byCounty = new Map<string, RoundCounty>();
  for (const v of await instanceViews(ctx, ALLOCATION, allocationSubject(year))) {
    byCounty.set(v.stack, {
      county: v.stack,
      countyName: v.countyName,
      status: v.status,
      openSteps: v.openSteps.map((s) => s.step),
      steps: v.openSteps,
      startedAt: v.startedAt,
      finishedAt: v.finishedAt,
      reason: v.reason,
      projectCount: typeof v.facts?.projectCount === 'number' ? v.facts.projectCount : undefined,
    });
  }
  for (const c of round.counties ?? []) {
    if (!byCounty.has(c.code)) {
      byCounty.set(c.code, {
        county: c.code,
        countyName: c.name,
        status: 'pending',
        openSteps: [],
        steps: [],
      });
    }
  }
  const counties = [...byCounty.values()]
    .filter((r) => canSeeStack(p, r.county))
    .sort((a, b) => a.county.localeCompare(b.county));
  return {
    year: round.year,
    roundId: round.roundId,
    status: round.status,
    openedAt: round.openedAt,
    openedBy: round.openedBy.name,
    projectCount: round.projects.length,
    projects: round.projects,
    counties,
    summary: {
      total: counties.length,
      completed: counties.filter((c) => c.status === 'completed').length,
      running: counties.filter((c) => c.status === 'running').length,
      pending: counties.filter((c) => c.status === 'pending').length,
    },
  };
}
