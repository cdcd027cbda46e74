import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../local/sfn/asl/validate';
import { fixture } from './helpers';

interface ValidationCase {
  name: string;
  definition?: unknown;
  raw?: string;
  valid?: boolean;
  contains?: string[];
}

describe('validateDefinition', () => {
  it.each(fixture<ValidationCase[]>('validation.json'))('$name', (c) => {
    const text = c.raw ?? JSON.stringify(c.definition);
    const res = validateDefinition(text);
    if (c.valid) {
      expect(res).toEqual({ ok: true, definition: c.definition });
      return;
    }
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.message.startsWith("Invalid State Machine Definition: '")).toBe(true);
    for (const part of c.contains ?? []) expect(res.message).toContain(part);
  });

  it('rejects a definition over 1 MB', () => {
    const big = JSON.stringify({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Result: 'x'.repeat(1_100_000), End: true } },
    });
    const res = validateDefinition(big);
    expect(res.ok).toBe(false);
  });

  it('accepts the compiled-workflow shapes of the project contract', () => {
    const def = {
      StartAt: 'Submit',
      States: {
        Submit: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: {
            FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:minsheng-340102-OpenTask',
            Payload: {
              kind: 'openTask',
              'taskToken.$': '$$.Task.Token',
              'executionArn.$': '$$.Execution.Id',
              workflowId: 'allocation',
              title: { zh: '提交', en: 'Submit' },
              assignee: { role: 'project_unit', org: 'county' },
              'execution.$': '$$.Execution.Input',
              'state.$': '$.steps',
            },
          },
          ResultPath: '$.steps.submit',
          Next: 'Fan',
        },
        Fan: {
          Type: 'Map',
          ItemsPath: '$.steps.submit.routing.leadDepts',
          ItemSelector: { 'leadDept.$': '$$.Map.Item.Value', 'steps.$': '$.steps' },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Review',
            States: {
              Review: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: {
                  FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:f',
                  Payload: { kind: 'system', 'state.$': '$.steps' },
                },
                ResultSelector: { 'r.$': '$.Payload' },
                End: true,
              },
            },
          },
          ResultPath: '$.steps.fan',
          End: true,
        },
      },
    };
    expect(validateDefinition(JSON.stringify(def)).ok).toBe(true);
  });
});
