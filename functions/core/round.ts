/**
 * Allocation rounds (city table): the city office opens a year's 二上二下 with the catalogue; every
 * county stack starts its execution from the AllocationRoundOpened event. Progress per county is the
 * read model the counties' AllocationStepChanged events keep.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { actorOf, auditPut } from './audit';
import { canOpenRound, canSeeRoundCounty, type Principal } from './auth';
import type { Ctx } from './context';
import { queryAll, transact } from './db';
import { Conflict, Forbidden, NotFound } from './errors';
import {
  type AllocationRoundOpened,
  type CatalogueProject,
  newEvent,
  outboxPut,
  publishOutbox,
  SOURCE,
} from './events';
import { keys, ROUND_COUNTY_PREFIX, SK, stripKeys } from './keys';

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

/** Progress of one county (read model row). */
export interface RoundCounty {
  county: string;
  countyName?: string;
  status: 'pending' | 'running' | 'completed' | 'rejected' | 'failed';
  openSteps: string[];
  lastStep?: string;
  lastChange?: string;
  projectCount?: number;
  updatedAt?: string;
  version: number;
}

/** POST /allocation-rounds: records the round (once per year) and announces it to the counties. */
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
  const event = newEvent(SOURCE.city, 'AllocationRoundOpened', {
    year: req.year,
    roundId: round.roundId,
    projects: req.projects,
    counties,
    openedBy: p.username,
    at,
  } satisfies Omit<AllocationRoundOpened, 'eventId'>);
  await transact(
    ctx.db,
    [
      {
        Put: {
          TableName: ctx.table,
          Item: { ...keys.round(req.year), ...keys.roundByYear(req.year), kind: 'round', ...round },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      auditPut(
        ctx.table,
        keys.roundPartition(req.year),
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
    console.error(JSON.stringify({ level: 'warn', msg: 'publish deferred to sweeper', error: String(e) }));
  }
  return { year: req.year, roundId: round.roundId, status: 'open', openedAt: at };
}

/** GET /allocation-rounds/{year}: the round and the progress of each county the caller may see. */
export async function getRound(ctx: Ctx, p: Principal, year: number) {
  const res = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.round(year), ConsistentRead: true }),
  );
  if (!res.Item) throw new NotFound('该年度任务分解未开启');
  const round = stripKeys(res.Item) as unknown as Round;
  // One Query returns both kinds of rows of the round: `COUNTY#<code>` (status, from the county's
  // AllocationStepChanged) and `COUNTY#<code>#OPEN#<taskId>` (its open tasks, from task events).
  const items = (
    await queryAll(ctx.db, ctx.table, keys.roundPartition(year), {
      prefix: ROUND_COUNTY_PREFIX,
      consistent: true,
    })
  ).map((i) => ({ ...stripKeys(i), sk: String(i[SK]) }) as Record<string, unknown> & { sk: string });
  const byCounty = new Map<string, RoundCounty>();
  const row = (county: string): RoundCounty => {
    let r = byCounty.get(county);
    if (!r) {
      r = { county, status: 'running', openSteps: [], version: 0 };
      byCounty.set(county, r);
    }
    return r;
  };
  for (const i of items) {
    if (i.sk.includes('#OPEN#')) continue;
    const r = i as unknown as RoundCounty;
    byCounty.set(r.county, {
      county: r.county,
      countyName: r.countyName,
      status: r.status,
      openSteps: [],
      lastStep: r.lastStep,
      lastChange: r.lastChange,
      projectCount: r.projectCount,
      updatedAt: r.updatedAt,
      version: r.version,
    });
  }
  for (const i of items) {
    if (!i.sk.includes('#OPEN#')) continue;
    const r = row(String(i.county));
    const step = String(i.step);
    if (!r.openSteps.includes(step)) r.openSteps.push(step);
  }
  for (const r of byCounty.values()) r.openSteps.sort();
  for (const c of round.counties ?? []) {
    if (!byCounty.has(c.code)) {
      byCounty.set(c.code, {
        county: c.code,
        countyName: c.name,
        status: 'pending',
        openSteps: [],
        version: 0,
      });
    }
  }
  const counties = [...byCounty.values()]
    .filter((r) => canSeeRoundCounty(p, r.county))
    .sort((a, b) => a.county.localeCompare(b.county))
    .map(({ version: _v, ...r }) => r);
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
