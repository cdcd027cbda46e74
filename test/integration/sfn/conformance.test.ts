/**
 * The `execution` cases of test/fixtures/asl/conformance/*.json (each naming its section of AWS's
 * Step Functions Developer Guide) run through the real engine over the AWS API, and every definition
 * the fixtures say AWS refuses (or this engine refuses instead of running it differently) is refused by
 * CreateStateMachine with InvalidDefinition.
 */
import { CreateStateMachineCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceCase, conformanceSections } from '../../fixtures/asl/conformance/load';
import { type Harness, ROLE, rejectsWith, sleep, start, startHarness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const EXECUTION = 'conformance';
let seq = 0;

/** Replaces `{{machine}}` and `{{execution}}` in expected values. */
function expand(v: unknown, machine: string): unknown {
  if (v === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(v).replaceAll('{{machine}}', machine).replaceAll('{{execution}}', EXECUTION),
  );
}

/** Runs an execution to its end; with `driveClock` the clock moves an hour per poll while it runs. */
async function runExecution(c: ConformanceCase) {
  const name = `conf-${++seq}`;
  const { stateMachineArn } = await h.client.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(c.definition), roleArn: ROLE }),
  );
  const executionArn = await start(h, stateMachineArn as string, c.input ?? {}, EXECUTION);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const d = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return { d, machine: name };
    if (Date.now() > deadline) throw new Error(`${c.name}: still RUNNING after 15 s`);
    if (c.driveClock) h.clock.advance(c.clockStepMs ?? 3_600_000);
    await sleep(10);
  }
}

for (const s of conformanceSections()) {
  const executions = s.cases.filter((c) => c.kind === 'execution');
  const refused = s.cases.filter((c) => c.kind === 'definition' && !c.valid);
  if (!executions.length && !refused.length) continue;
  describe(`${s.section} (${s.doc})`, () => {
    for (const c of executions) {
      it(c.name, async () => {
        const { d, machine } = await runExecution(c);
        expect(d.status).toBe(c.status ?? 'SUCCEEDED');
        if (c.output !== undefined) expect(JSON.parse(d.output as string)).toEqual(expand(c.output, machine));
        if (c.outputMatch !== undefined)
          expect(JSON.parse(d.output as string)).toMatchObject(expand(c.outputMatch, machine) as object);
        if (c.error !== undefined) expect(d.error).toBe(c.error);
        if (c.causeContains !== undefined) expect(d.cause ?? '').toContain(c.causeContains);
      });
    }
    for (const c of refused) {
      it(`CreateStateMachine refuses: ${c.name}`, async () => {
        const err = await rejectsWith(
          h.client.send(
            new CreateStateMachineCommand({
              name: `conf-refused-${++seq}`,
              definition: JSON.stringify(c.definition),
              roleArn: ROLE,
            }),
          ),
          'InvalidDefinition',
        );
        for (const part of c.contains ?? []) expect(err.message).toContain(part);
      });
    }
  });
}
