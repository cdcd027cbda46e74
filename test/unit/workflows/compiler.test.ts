// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are ASL definition substitutions, not templates
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  applySubstitutions,
  arnSubstitution,
  compileWorkflow,
  functionIdOfSubstitution,
  LAMBDA_RETRY_ERRORS,
  WorkflowDefinitionError,
} from '../../../workflows/compiler';
import { getWorkflow } from '../../../workflows/index';
import { isFanOut, isHuman, type WorkflowDefinition } from '../../../workflows/model';
import { fixtureChecks, readJson, reverseKeys, validFixture } from './fixtures';

const allocation = getWorkflow('allocation', 1)!;
const compile = (def: WorkflowDefinition) => compileWorkflow(def, { checks: fixtureChecks });

type State = Record<string, any>;

/** Every state of a machine with the States object it lives in (Map iterations included). */
function allStates(machine: State): { name: string; state: State; scope: Record<string, State> }[] {
  const out: { name: string; state: State; scope: Record<string, State> }[] = [];
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      out.push({ name, state, scope: states });
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
    }
  };
  visit(machine.States);
  return out;
}

function substituted(asl: string, partition: string): State {
  const values: Record<string, string> = { Partition: partition };
  for (const name of compile(allocation).substitutions) {
    const fn = functionIdOfSubstitution(name);
    if (fn) values[name] = `arn:${partition}:lambda:cn-north-1:123456789012:function:minsheng-340102-${fn}`;
  }
  return JSON.parse(applySubstitutions(asl, values));
}

const definitions: [string, WorkflowDefinition][] = [
  ['allocation v1', allocation],
  ['small-review fixture', validFixture('small-review')],
];

describe('compileWorkflow', () => {
  it('is deterministic: the same definition compiles to the same bytes', () => {
    const a = compile(allocation);
    const b = compile(JSON.parse(JSON.stringify(allocation)));
    expect(b.asl).toBe(a.asl);
    expect(b.substitutions).toEqual(a.substitutions);
  });

  it('does not depend on the key order of the input definition', () => {
    for (const [, def] of definitions) {
      const shuffled = reverseKeys(def);
      expect(Object.keys(shuffled)).not.toEqual(Object.keys(def));
      expect(compile(shuffled).asl).toBe(compile(def).asl);
    }
  });

  for (const [label, def] of definitions) {
    it(`produces ASL that asl-validator accepts (${label}), before and after substitution`, () => {
      const { asl } = compile(def);
      const raw = aslValidator(JSON.parse(asl), { checkArn: false, checkPaths: true });
      expect(raw.errorsText('\n')).toBe('');
      expect(raw.isValid).toBe(true);
      for (const partition of ['aws', 'aws-cn']) {
        const full = aslValidator(substituted(asl, partition), { checkArn: true, checkPaths: true });
        expect(full.errorsText('\n')).toBe('');
        expect(full.isValid).toBe(true);
      }
    });

    it(`hard-codes no partition, region or account (${label})`, () => {
      const { asl } = compile(def);
      expect(asl).not.toMatch(/arn:aws/);
      expect(asl).not.toMatch(/\d{12}/);
      expect(asl).not.toMatch(/(us|cn|eu|ap)-[a-z]+-\d/);
      for (const { state } of allStates(JSON.parse(asl))) {
        if (state.Type !== 'Task') continue;
        expect(state.Resource).toMatch(/^arn:\$\{Partition\}:states:::lambda:invoke(\.waitForTaskToken)?$/);
        expect(state.Parameters.FunctionName).toMatch(/^\$\{[A-Z][A-Za-z0-9]*Arn\}$/);
      }
    });

    it(`lists exactly the substitutions its text uses (${label})`, () => {
      const { asl, substitutions } = compile(def);
      const used = [...new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(substitutions).toEqual(used);
      expect(substitutions).toEqual(['CreateProjectsArn', 'FanOutListArn', 'OpenTaskArn', 'Partition']);
    });

    it(`gives every human step the token, step, form, assignee and due rule (${label})`, () => {
      const machine = JSON.parse(compile(def).asl);
      const humans = allStates(machine).filter(({ state }) => /waitForTaskToken$/.test(state.Resource ?? ''));
      expect(humans.map(({ state }) => state.Parameters.Payload.step).sort()).toEqual(
        def.steps
          .filter(isHuman)
          .map((s) => s.id)
          .sort(),
      );
      for (const { state } of humans) {
        const p = state.Parameters.Payload;
        const step = def.steps.find((s) => s.id === p.step)!;
        if (!isHuman(step)) throw new Error('not a human step');
        expect(state.Parameters.FunctionName).toBe('${OpenTaskArn}');
        expect(p).toMatchObject({
          kind: 'openTask',
          'taskToken.$': '$$.Task.Token',
          'executionArn.$': '$$.Execution.Id',
          'instance.$': '$$.Execution.Input.instance',
          workflowVersion: def.version,
          stepType: step.type,
          title: step.title,
          assignee: { role: step.who.role, org: step.who.org },
          due: step.due,
        });
        if (step.type !== 'notice')
          expect(p).toMatchObject({ formId: step.form.id, formVersion: step.form.version });
        // The payload carries references, never the execution's input or state.
        expect(p).not.toHaveProperty('execution.$');
        expect(p).not.toHaveProperty('state.$');
        expect(p.allowedOutcomes.length).toBeGreaterThan(0);
        if (isFanOut(step)) expect(p['item.$']).toBe('$.item');
        else expect(p).not.toHaveProperty('item.$');
        if (step.type === 'review' && step.outcomes.return)
          expect(p.returnTargets).toEqual(step.outcomes.return);
        if (step.reminder) expect(p.reminder).toEqual(step.reminder);
        if (step.escalation) expect(p.escalation).toEqual(step.escalation);
      }
    });

    it(`retries Lambda service errors and routes other failures to a named Fail state (${label})`, () => {
      for (const { name, state, scope } of allStates(JSON.parse(compile(def).asl))) {
        if (state.Type !== 'Task' && state.Type !== 'Map') continue;
        if (state.Type === 'Task') {
          expect(state.Retry, name).toEqual([
            expect.objectContaining({
              ErrorEquals: [...LAMBDA_RETRY_ERRORS],
              MaxAttempts: expect.any(Number),
            }),
          ]);
        }
        const catchAll = state.Catch.find((c: State) => c.ErrorEquals.includes('States.ALL'));
        expect(catchAll, name).toBeDefined();
        const target = scope[catchAll.Next];
        expect(target.Type).toBe('Fail');
        expect(target.Error).toBe('Workflow.StepFailed');
      }
    });

    it(`points every transition at a state that exists in the same scope (${label})`, () => {
      for (const { name, state, scope } of allStates(JSON.parse(compile(def).asl))) {
        const targets = [
          state.Next,
          state.Default,
          ...(state.Choices ?? []).map((c: State) => c.Next),
          ...(state.Catch ?? []).map((c: State) => c.Next),
        ].filter(Boolean);
        for (const t of targets) expect(scope[t], `${name} -> ${t}`).toBeDefined();
        if (!['Choice', 'Fail'].includes(state.Type))
          expect(Boolean(state.Next) !== Boolean(state.End)).toBe(true);
      }
    });

    it(`routes every return of every review back to the named earlier step (${label})`, () => {
      const machine = JSON.parse(compile(def).asl);
      for (const step of def.steps) {
        if (step.type !== 'review') continue;
        for (const target of step.outcomes.return ?? []) {
          // The target's entry state is the state named after it, at the top level.
          expect(machine.States[target]).toBeDefined();
          const routing = isFanOut(step)
            ? machine.States[`${step.id}.decide`].Choices
            : machine.States[`${step.id}.returnTo`].Choices;
          expect(
            routing.some((c: State) => c.Next === target),
            `${step.id} -> ${target}`,
          ).toBe(true);
        }
      }
    });
  }

  it('keeps every step result under $.steps.<stepId>', () => {
    const machine = JSON.parse(compile(allocation).asl);
    for (const step of allocation.steps) {
      if (step.type === 'end') continue;
      const entry = isFanOut(step) ? `${step.id}.each` : step.id;
      expect(machine.States[entry].ResultPath, step.id).toBe(`$.steps.${step.id}`);
    }
  });

  it('compiles a system step to a plain Lambda invoke whose result lands under $.steps.<id>.result', () => {
    const state = JSON.parse(compile(allocation).asl).States.createProjects;
    expect(state).toMatchObject({
      Type: 'Task',
      Resource: 'arn:${Partition}:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${CreateProjectsArn}',
        Payload: {
          kind: 'system',
          'executionArn.$': '$$.Execution.Id',
          'instance.$': '$$.Execution.Input.instance',
          step: 'createProjects',
          workflowVersion: 1,
        },
      },
      ResultSelector: { 'result.$': '$.Payload' },
      ResultPath: '$.steps.createProjects',
      Next: 'done',
    });
  });

  it('fans a review out with an inline Map over the list the kit computes for it', () => {
    const machine = JSON.parse(compile(allocation).asl);
    // The step's entry asks the kit for its list, then fans out over it (or skips an empty one).
    expect(machine.States.deptReview).toMatchObject({
      Type: 'Task',
      Parameters: {
        FunctionName: '${FanOutListArn}',
        Payload: {
          kind: 'list',
          step: 'deptReview',
          list: 'proposalLeadDepts',
          'instance.$': '$$.Execution.Input.instance',
        },
      },
      ResultPath: '$.lists.deptReview',
      Next: 'deptReview.any',
    });
    expect(machine.States['deptReview.any'].Choices[0]).toEqual({
      Variable: '$.lists.deptReview.items[0]',
      IsPresent: true,
      Next: 'deptReview.each',
    });
    expect(machine.States['deptReview.each']).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.lists.deptReview.items',
      ItemSelector: { 'item.$': '$$.Map.Item.Value' },
      MaxConcurrency: 20,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'deptReview.task' },
    });
    expect(machine.States.deptApproval.Parameters.Payload.list).toBe('planLeadDepts');
    expect(machine.States['deptReview.tally'].Parameters['anyReturn.$']).toBe(
      "States.ArrayContains($.steps.deptReview.outcomes, 'return')",
    );
  });

  it('skips the decision Choice of a parallel review that can only approve', () => {
    const def = validFixture('small-review');
    const dept = def.steps[1];
    if (dept.type !== 'review') throw new Error('fixture changed');
    delete dept.outcomes.return;
    const machine = JSON.parse(compile(def).asl);
    expect(machine.States['deptCheck.decide']).toBeUndefined();
    expect(machine.States['deptCheck.tally'].Next).toBe('cityCheck');
    expect(aslValidator(machine, { checkArn: false, checkPaths: true }).isValid).toBe(true);
  });

  it('refuses to compile an invalid definition and says why', () => {
    const bad = readJson<WorkflowDefinition>('invalid', 'return-to-later-step.json');
    expect(() => compile(bad)).toThrow(WorkflowDefinitionError);
    try {
      compile(bad);
    } catch (e) {
      expect((e as WorkflowDefinitionError).errors[0]).toMatchObject({
        code: 'RETURN_NOT_EARLIER',
        path: '/steps/1/outcomes/return/0',
      });
    }
  });
});

describe('substitution helpers', () => {
  it('maps function ids to substitution names and back', () => {
    expect(arnSubstitution('OpenTask')).toBe('OpenTaskArn');
    expect(functionIdOfSubstitution('CreateProjectsArn')).toBe('CreateProjects');
    expect(functionIdOfSubstitution('Partition')).toBeUndefined();
  });

  it('refuses to leave a substitution without a value', () => {
    expect(() => applySubstitutions('{"a":"${OpenTaskArn}"}', { Partition: 'aws' })).toThrow(/OpenTaskArn/);
    expect(applySubstitutions('"arn:${Partition}:x"', { Partition: 'aws-cn' })).toBe('"arn:aws-cn:x"');
  });
});
