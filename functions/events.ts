/**
 * The one source of truth for event routing and schedules: the runtime's, then each kit's. CDK
 * turns EVENT_RULES into EventBridge rules and SCHEDULES into EventBridge Scheduler schedules
 * (Asia/Shanghai); the local twin's bus and scheduler read the same lists. Event detail shapes live in
 * contracts/events.ts, sources in contracts/sources.ts.
 */
import type { EventRuleSpec, ScheduleSpec } from '../contracts/manifest';
import { EXECUTION_STATUS_CHANGE } from '../contracts/sources';
import { KIT_MANIFESTS } from './kits/manifests';

export type { EventOrigin, EventRuleSpec, ScheduleSpec } from '../contracts/manifest';

/** Detail types that resume an execution waiting for an event, or start a triggered instance. */
const SUBJECT_EVENTS = ['InstanceChanged', 'ProjectCreated'] as const;

export const RUNTIME_EVENT_RULES: readonly EventRuleSpec[] = [
  {
    id: 'StartWorkflowOnRequest',
    stack: 'county',
    from: ['city'],
    detailType: ['WorkflowStartRequested'],
    fn: 'StartWorkflow',
  },
  {
    id: 'SubjectEventsOwn',
    stack: 'county',
    from: ['own'],
    detailType: SUBJECT_EVENTS,
    fn: 'SubjectEvents',
  },
  {
    id: 'CitySubjectEvents',
    stack: 'city',
    from: ['own'],
    detailType: SUBJECT_EVENTS,
    fn: 'SubjectEvents',
  },
  {
    id: 'CountyLifecycle',
    stack: 'county',
    from: ['stepFunctions'],
    detailType: [EXECUTION_STATUS_CHANGE],
    fn: 'Lifecycle',
  },
  {
    id: 'CityLifecycle',
    stack: 'city',
    from: ['stepFunctions'],
    detailType: [EXECUTION_STATUS_CHANGE],
    fn: 'Lifecycle',
  },
  {
    id: 'InboxFromStacks',
    stack: 'city',
    from: ['anyCounty', 'own'],
    detailType: ['TaskOpened', 'TaskCompleted', 'TaskCancelled', 'InstanceChanged', 'NotificationRaised'],
    fn: 'InboxProjector',
  },
  {
    id: 'ProjectsFromCounties',
    stack: 'city',
    from: ['anyCounty'],
    detailType: ['ProjectCreated'],
    fn: 'ProjectReadModel',
  },
];

export const RUNTIME_SCHEDULES: readonly ScheduleSpec[] = [
  { id: 'CountySweeper', stack: 'county', cron: '* * * * ? *', timezone: 'Asia/Shanghai', fn: 'Sweeper' },
  { id: 'CitySweeper', stack: 'city', cron: '* * * * ? *', timezone: 'Asia/Shanghai', fn: 'Sweeper' },
  { id: 'CountyTicker', stack: 'county', cron: '* * * * ? *', timezone: 'Asia/Shanghai', fn: 'Ticker' },
  { id: 'CityTicker', stack: 'city', cron: '* * * * ? *', timezone: 'Asia/Shanghai', fn: 'Ticker' },
];

export const EVENT_RULES: readonly EventRuleSpec[] = [
  ...RUNTIME_EVENT_RULES,
  ...KIT_MANIFESTS.flatMap((k) => k.eventRules ?? []),
];

export const SCHEDULES: readonly ScheduleSpec[] = [
  ...RUNTIME_SCHEDULES,
  ...KIT_MANIFESTS.flatMap((k) => k.schedules ?? []),
];
