/**
 * The one source of truth for event routing and schedules. CDK turns EVENT_RULES into EventBridge
 * rules and SCHEDULES into EventBridge Scheduler schedules (Asia/Shanghai); the local twin's bus and
 * scheduler read the same lists. Event detail shapes live in `core/events.ts`.
 */
import type { FunctionId, StackKind } from './registry';

/** Every Minsheng event goes to the city's bus; `source` tells who published it. */
export const EVENT_SOURCES = {
  county: 'minsheng.county',
  city: 'minsheng.city',
} as const;

export interface EventRuleSpec {
  /** Stable id, PascalCase; part of construct ids. */
  id: string;
  /** The stack whose function is the target (the rule lives on the city bus either way). */
  stack: StackKind;
  source: readonly string[];
  detailType: readonly string[];
  fn: FunctionId;
}

export interface ScheduleSpec {
  id: string;
  stack: StackKind;
  /** EventBridge Scheduler cron expression body, e.g. `0 9 1 * ? *` (min hour dom month dow year). */
  cron: string;
  timezone: 'Asia/Shanghai';
  fn: FunctionId;
  input?: unknown;
}

export const EVENT_RULES = [
  {
    id: 'StartAllocationOnRoundOpened',
    stack: 'county',
    source: [EVENT_SOURCES.city],
    detailType: ['AllocationRoundOpened'],
    fn: 'StartAllocation',
  },
  {
    id: 'InboxFromCountyTasks',
    stack: 'city',
    source: [EVENT_SOURCES.county],
    detailType: ['TaskOpened', 'TaskCompleted', 'AllocationStepChanged'],
    fn: 'InboxProjector',
  },
  {
    id: 'ProjectsFromCounties',
    stack: 'city',
    source: [EVENT_SOURCES.county],
    detailType: ['ProjectCreated'],
    fn: 'ProjectReadModel',
  },
] as const satisfies readonly EventRuleSpec[];

export const SCHEDULES = [
  { id: 'CountySweeper', stack: 'county', cron: '* * * * ? *', timezone: 'Asia/Shanghai', fn: 'Sweeper' },
  { id: 'CitySweeper', stack: 'city', cron: '* * * * ? *', timezone: 'Asia/Shanghai', fn: 'Sweeper' },
] as const satisfies readonly ScheduleSpec[];
