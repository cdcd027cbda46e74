/**
 * Builds the Minsheng CDK app for infra tests from the real `cdk.json` context, optionally with fewer
 * counties, another region or identity, and extra registry entries. Bundling is skipped unless asked
 * for (CDK's `aws:cdk:bundling-stacks` context), so most tests synthesize in seconds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { EventRuleSpec, ScheduleSpec } from '../../functions/events';
import { EVENT_RULES, SCHEDULES } from '../../functions/events';
import { deployedFunctions, type FunctionSpec } from '../../functions/registry';
import { deployedRoutes, type RouteSpec } from '../../functions/routes';
import { readAppConfig } from '../../infra/config';
import { PROJECT_ROOT } from '../../infra/constructs/function';
import { type BuildOptions, buildMinsheng, type MinshengStacks } from '../../infra/minsheng-app';

export const CDK_JSON = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

export const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'infra');
export const WEB_DIST_FIXTURE = path.join(FIXTURES, 'web-dist');

export interface TestAppOptions {
  /** How many of the configured counties to keep. @default all */
  counties?: number;
  region?: string;
  identity?: unknown;
  bundling?: boolean;
  /** Add the entries of test/fixtures/infra/extra-lists.json. */
  extraEntries?: boolean;
  webDistPath?: string;
  nag?: boolean;
}

export interface TestApp extends MinshengStacks {
  app: App;
  outdir: string;
  template(stackId: string): Template;
  cleanup(): void;
}

/** Shared registries plus the fixture entries. */
export function extendedLists(): Required<
  Pick<BuildOptions, 'functions' | 'routes' | 'eventRules' | 'schedules'>
> {
  const extra = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'extra-lists.json'), 'utf8'));
  return {
    functions: [...deployedFunctions(), ...(extra.functions as FunctionSpec[])],
    routes: [...deployedRoutes(), ...(extra.routes as RouteSpec[])],
    eventRules: [...(EVENT_RULES as readonly EventRuleSpec[]), ...(extra.eventRules as EventRuleSpec[])],
    schedules: [...(SCHEDULES as readonly ScheduleSpec[]), ...(extra.schedules as ScheduleSpec[])],
  };
}

export function buildTestApp(opts: TestAppOptions = {}): TestApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'minsheng-cdk-'));
  const context: Record<string, unknown> = { ...CDK_JSON.context };
  const counties = context['minsheng:counties'] as unknown[];
  if (opts.counties !== undefined) context['minsheng:counties'] = counties.slice(0, opts.counties);
  if (opts.region) context.region = opts.region;
  if (opts.identity) context['minsheng:identity'] = opts.identity;
  if (!opts.bundling) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir, context });
  const stacks = buildMinsheng(app, readAppConfig(app.node, {}), {
    ...(opts.extraEntries ? extendedLists() : {}),
    webDistPath: opts.webDistPath ?? path.join(FIXTURES, 'no-web-dist'),
    nag: opts.nag ?? false,
  });
  const templates = new Map<string, Template>();
  return {
    ...stacks,
    app,
    outdir,
    template(stackId: string) {
      let t = templates.get(stackId);
      if (!t) {
        const stack = app.node.findChild(stackId) as import('aws-cdk-lib').Stack;
        t = Template.fromStack(stack);
        templates.set(stackId, t);
      }
      return t;
    },
    cleanup() {
      fs.rmSync(outdir, { recursive: true, force: true });
    },
  };
}

/** cdk-nag findings (errors and warnings) of a stack that no suppression acknowledges. */
export function nagFindings(stack: import('aws-cdk-lib').Stack): string[] {
  const a = Annotations.fromStack(stack);
  const pattern = Match.stringLikeRegexp('AwsSolutions-');
  return [...a.findError('*', pattern), ...a.findWarning('*', pattern)].map(
    (m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`,
  );
}

/** Every resource of a template with the given type, as [logicalId, resource]. */
export function resourcesOf(t: Template, type: string): [string, { Properties?: any; [k: string]: any }][] {
  return Object.entries(t.findResources(type));
}
