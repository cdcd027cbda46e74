/**
 * Each addition to the workflow language, compiled and run on the engine: fan-out over a kit's list
 * with either policy (any return sends the work back; everyone decides independently), a fanned-out
 * task, a wait until a date, a wait for an event with a timeout, and a notice to acknowledge. The
 * compiled output of each fixture is kept beside it (`<name>.asl.json`) and must not drift unseen:
 * after a deliberate compiler change, refresh them with `UPDATE_FIXTURES=1`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../../../workflows/compiler';
import type { WorkflowDefinition } from '../../../workflows/model';
import { fixtureChecks } from '../../unit/workflows/fixtures';
import { type Opened, runWorkflow } from './engine';

const DIR = join(import.meta.dirname, '../../fixtures/workflows/language');
const def = (name: string) =>
  JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as WorkflowDefinition;
const NAMES = ['fanout-any-return', 'fanout-independent', 'fanout-task', 'wait-until', 'wait-event'];
const items = [
  { key: 'dept_jt', org: 'dept_jt' },
  { key: 'dept_yb', org: 'dept_yb' },
];

describe('compiled output', () => {
  for (const name of NAMES) {
    it(`${name} compiles to its fixture, which asl-validator accepts`, () => {
      const { asl } = compileWorkflow(def(name), { checks: fixtureChecks });
      const file = join(DIR, `${name}.asl.json`);
      if (process.env.UPDATE_FIXTURES) writeFileSync(file, `${asl}\n`);
      // Compared as data: the formatter may lay the fixture out differently from the compiler.
      expect(JSON.parse(asl)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      const v = aslValidator(JSON.parse(asl), { checkArn: false, checkPaths: true });
      expect(v.errorsText('\n')).toBe('');
    });
  }
});

describe('fan-out over a list the kit computes', () => {
  it('anyReturn: one item returning sends the work back, and all approving goes on', async () => {
    const run = await runWorkflow(
      def('fanout-any-return'),
      {
        list: () => items,
        decide: (t: Opened) =>
          t.payload.step === 'checks' && t.payload.item?.key === 'dept_yb' && t.visit === 1
            ? { outcome: 'return', comment: '补充材料' }
            : undefined,
      },
      { checks: fixtureChecks },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps).toEqual(['draft', 'checks', 'checks', 'draft', 'checks', 'checks']);
    const checks = run.opened.filter((o) => o.payload.step === 'checks');
    expect(checks.map((o) => o.payload.item?.key).sort()).toEqual([
      'dept_jt',
      'dept_jt',
      'dept_yb',
      'dept_yb',
    ]);
    expect(checks[0].payload).toMatchObject({
      assignee: { role: 'city_dept', org: 'item' },
      returnTargets: ['draft'],
    });
    expect(run.output.end).toEqual({ result: 'success', step: 'done' });
    expect(run.output.steps.checks.outcomes).toEqual(['approve', 'approve']);
  });

  it('anyReturn: a rejection by one item ends where the step says', async () => {
    const run = await runWorkflow(
      def('fanout-any-return'),
      {
        list: () => items,
        decide: (t) => (t.payload.item?.key === 'dept_jt' ? { outcome: 'reject' } : undefined),
      },
      { checks: fixtureChecks },
    );
    expect(run.output.end).toEqual({ result: 'rejected', step: 'refused' });
  });

  it('independent: each item decides for itself and the workflow goes on either way', async () => {
    const run = await runWorkflow(
      def('fanout-independent'),
      {
        list: () => items,
        decide: (t) => (t.payload.item?.key === 'dept_yb' ? { outcome: 'reject' } : undefined),
      },
      { checks: fixtureChecks },
    );
    expect(run.status).toBe('SUCCEEDED');
    const result = run.output.steps.checks;
    expect(result.items.map((i: { key: string; outcome: string }) => `${i.key}:${i.outcome}`).sort()).toEqual(
      ['dept_jt:approve', 'dept_yb:reject'],
    );
    expect(result.tally).toBeUndefined();
  });

  it('a fanned-out task opens one task per item; an empty list skips the step', async () => {
    const run = await runWorkflow(def('fanout-task'), { list: () => items }, { checks: fixtureChecks });
    expect(run.opened.map((o) => o.payload.item?.key).sort()).toEqual(['dept_jt', 'dept_yb']);
    expect(run.opened[0].payload).toMatchObject({
      stepType: 'task',
      due: { date: '06-30' },
      allowedOutcomes: ['submit'],
    });
    const empty = await runWorkflow(def('fanout-task'), { list: () => [] }, { checks: fixtureChecks });
    expect(empty.opened).toEqual([]);
    expect(empty.output.steps.reports.skipped).toBe(true);
  });
});

describe('waiting', () => {
  it('until a date: the execution waits for the moment WaitUntil answers, then goes on', async () => {
    // A hundred days ahead (a Standard execution lives at most a year).
    const until = new Date(Date.now() + 100 * 86_400_000).toISOString();
    const run = await runWorkflow(
      def('wait-until'),
      {
        waitUntil: (p) => {
          expect(p).toMatchObject({ kind: 'wait', step: 'untilJune', until: { date: '06-30' } });
          return until;
        },
      },
      {
        checks: fixtureChecks,
        during: async (e, r) => {
          await e.server.engine.settled();
          // Still waiting: no task opened yet.
          expect(r.opened).toEqual([]);
          e.clock.advance(Date.parse(until) + 1000 - e.clock.now());
        },
      },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.opened.map((o) => o.payload.step)).toEqual(['confirm']);
    expect(run.opened[0].payload.due).toEqual({ subjectDate: 'completionDue', fallback: { date: '11-30' } });
  });

  it('for an event: the event resumes it and the timeout path is not taken', async () => {
    let token = '';
    const run = await runWorkflow(
      def('wait-event'),
      {
        awaitEvent: (p) => {
          token = p.taskToken;
        },
      },
      {
        checks: fixtureChecks,
        during: async (e) => {
          for (let i = 0; i < 200 && !token; i++) await new Promise((r) => setTimeout(r, 10));
          expect(token).not.toBe('');
          await e.client.send(
            new SendTaskSuccessCommand({
              taskToken: token,
              output: JSON.stringify({ event: 'FundsConfirmed' }),
            }),
          );
        },
      },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.opened).toEqual([]);
    expect(run.output.steps.funds).toEqual({ event: 'FundsConfirmed' });
  });

  it('for an event that never comes: after the timeout, a notice to acknowledge', async () => {
    const run = await runWorkflow(
      def('wait-event'),
      {},
      {
        checks: fixtureChecks,
        during: async (e) => {
          await e.server.engine.settled();
          e.clock.advance(10 * 86_400_000 + 1000);
        },
      },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.opened.map((o) => o.payload.step)).toEqual(['chase']);
    expect(run.opened[0].payload).toMatchObject({
      stepType: 'notice',
      allowedOutcomes: ['acknowledge'],
      notice: { zh: '资金尚未到位，请于 {{dueDate}} 前落实。' },
    });
    expect(run.opened[0].payload).not.toHaveProperty('formId');
  });
});
