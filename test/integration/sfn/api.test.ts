import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachinesCommand,
  ListStateMachineVersionsCommand,
  StartExecutionCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMachine,
  definition,
  type Harness,
  ROLE,
  rejectsWith,
  start,
  startHarness,
  waitFor,
} from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('state machines', () => {
  it('creates, describes, lists, updates and deletes', async () => {
    const def = definition('pass-chain');
    const created = await h.client.send(
      new CreateStateMachineCommand({ name: 'crud', definition: def, roleArn: ROLE }),
    );
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:crud');
    expect(created.creationDate).toBeInstanceOf(Date);

    const d = await h.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(d).toMatchObject({
      name: 'crud',
      status: 'ACTIVE',
      definition: def,
      roleArn: ROLE,
      type: 'STANDARD',
    });
    expect(d.revisionId).toMatch(/^[0-9a-f-]{36}$/);

    // Same name and definition: idempotent, same ARN and creation date.
    const again = await h.client.send(
      new CreateStateMachineCommand({ name: 'crud', definition: def, roleArn: ROLE }),
    );
    expect(again.creationDate?.getTime()).toBe(created.creationDate?.getTime());
    // Same name, other definition: conflict.
    await rejectsWith(
      h.client.send(
        new CreateStateMachineCommand({ name: 'crud', definition: definition('choice'), roleArn: ROLE }),
      ),
      'StateMachineAlreadyExists',
    );

    const upd = await h.client.send(
      new UpdateStateMachineCommand({
        stateMachineArn: created.stateMachineArn,
        definition: definition('choice'),
      }),
    );
    expect(upd.updateDate).toBeInstanceOf(Date);
    expect(upd.revisionId).not.toBe(d.revisionId);
    const d2 = await h.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(d2.definition).toBe(definition('choice'));

    const list = await h.client.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines?.map((m) => m.name)).toContain('crud');

    await h.client.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    await rejectsWith(
      h.client.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
      'StateMachineDoesNotExist',
    );
  });

  it('rejects a bad definition with InvalidDefinition naming the state', async () => {
    const err = await rejectsWith(
      h.client.send(
        new CreateStateMachineCommand({
          name: 'bad',
          definition: definition('bad-missing-next'),
          roleArn: ROLE,
        }),
      ),
      'InvalidDefinition',
    );
    expect(err.message).toContain('Nowhere');
    expect(err.message).toContain('/States/First');
    await rejectsWith(
      h.client.send(new CreateStateMachineCommand({ name: 'bad2', definition: '{not json', roleArn: ROLE })),
      'InvalidDefinition',
    );
    const err3 = await rejectsWith(
      h.client.send(
        new UpdateStateMachineCommand({
          stateMachineArn: await createMachine(h, 'pass-chain'),
          definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', End: true } } }),
        }),
      ),
      'InvalidDefinition',
    );
    expect(err3.message).toContain('/States/A');
  });

  it('refuses EXPRESS machines rather than running them with Standard semantics', async () => {
    const err = await rejectsWith(
      h.client.send(
        new CreateStateMachineCommand({
          name: 'express',
          definition: definition('pass-chain'),
          roleArn: ROLE,
          type: 'EXPRESS',
        }),
      ),
      'ValidationException',
    );
    expect(err.message).toContain('EXPRESS');
  });

  it('answers AWS errors for bad names, ARNs and unknown machines', async () => {
    await rejectsWith(
      h.client.send(
        new CreateStateMachineCommand({
          name: 'has space',
          definition: definition('pass-chain'),
          roleArn: ROLE,
        }),
      ),
      'InvalidName',
    );
    await rejectsWith(
      h.client.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })),
      'InvalidArn',
    );
    await rejectsWith(
      h.client.send(
        new DescribeStateMachineCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope',
        }),
      ),
      'StateMachineDoesNotExist',
    );
    await rejectsWith(
      h.client.send(
        new StartExecutionCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope',
        }),
      ),
      'StateMachineDoesNotExist',
    );
    await rejectsWith(
      h.client.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:000000000000:execution:nope:x',
        }),
      ),
      'ExecutionDoesNotExist',
    );
    await rejectsWith(
      h.client.send(new ListStateMachinesCommand({ maxResults: 5000 })),
      'ValidationException',
    );
    await rejectsWith(h.client.send(new ListStateMachinesCommand({ nextToken: 'garbage!' })), 'InvalidToken');
  });

  it('answers UnknownOperationException for an unknown target', async () => {
    const res = await fetch(h.server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.Frobnicate',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('pages ListStateMachines', async () => {
    for (let i = 0; i < 3; i++) await createMachine(h, 'pass-chain', `page-${i}`);
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await h.client.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      expect(out.stateMachines?.length).toBeLessThanOrEqual(2);
      names.push(...(out.stateMachines ?? []).map((m) => m.name as string));
      nextToken = out.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBeGreaterThan(1);
    expect(names).toEqual(expect.arrayContaining(['page-0', 'page-1', 'page-2']));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('versions and aliases', () => {
  it('publishes numbered versions, runs them and routes aliases by weight', async () => {
    const created = await h.client.send(
      new CreateStateMachineCommand({
        name: 'versioned',
        definition: JSON.stringify({
          StartAt: 'V',
          States: { V: { Type: 'Pass', Result: 'v1', End: true } },
        }),
        roleArn: ROLE,
        publish: true,
        versionDescription: 'first',
      }),
    );
    const arn = created.stateMachineArn as string;
    const v1 = created.stateMachineVersionArn as string;
    expect(v1).toBe(`${arn}:1`);
    const upd = await h.client.send(
      new UpdateStateMachineCommand({
        stateMachineArn: arn,
        definition: JSON.stringify({
          StartAt: 'V',
          States: { V: { Type: 'Pass', Result: 'v2', End: true } },
        }),
        publish: true,
        versionDescription: 'second',
      }),
    );
    const v2 = upd.stateMachineVersionArn as string;
    expect(v2).toBe(`${arn}:2`);
    // Publishing an unchanged revision returns the latest version.
    const same = await h.client.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, roleArn: ROLE, publish: true }),
    );
    expect(same.stateMachineVersionArn).toBe(v2);

    const dv1 = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: v1 }));
    expect(dv1).toMatchObject({ stateMachineArn: v1, name: 'versioned', description: 'first' });
    expect(dv1.definition).toContain('v1');

    const versions = await h.client.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }));
    expect(versions.stateMachineVersions?.map((v) => v.stateMachineVersionArn)).toEqual([v2, v1]);

    // Executions on a version run that version's definition.
    const e1 = await start(h, v1, {});
    const d1 = await waitFor(h.client, e1);
    expect(d1).toMatchObject({
      status: 'SUCCEEDED',
      output: '"v1"',
      stateMachineVersionArn: v1,
      stateMachineArn: arn,
    });

    const alias = await h.client.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        description: 'production',
        routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
      }),
    );
    const aliasArn = alias.stateMachineAliasArn as string;
    expect(aliasArn).toBe(`${arn}:live`);
    const da = await h.client.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    expect(da).toMatchObject({
      name: 'live',
      description: 'production',
      routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
    });

    const ea = await start(h, aliasArn, {});
    expect(await waitFor(h.client, ea)).toMatchObject({
      output: '"v1"',
      stateMachineAliasArn: aliasArn,
      stateMachineVersionArn: v1,
    });

    // Two versions: a weight of 0 never routes.
    await h.client.send(
      new UpdateStateMachineAliasCommand({
        stateMachineAliasArn: aliasArn,
        routingConfiguration: [
          { stateMachineVersionArn: v1, weight: 0 },
          { stateMachineVersionArn: v2, weight: 100 },
        ],
      }),
    );
    for (let i = 0; i < 3; i++) {
      const e = await start(h, aliasArn, {});
      expect(await waitFor(h.client, e)).toMatchObject({ output: '"v2"', stateMachineVersionArn: v2 });
    }
    await rejectsWith(
      h.client.send(
        new UpdateStateMachineAliasCommand({
          stateMachineAliasArn: aliasArn,
          routingConfiguration: [
            { stateMachineVersionArn: v1, weight: 50 },
            { stateMachineVersionArn: v2, weight: 49 },
          ],
        }),
      ),
      'ValidationException',
    );
    await rejectsWith(
      h.client.send(
        new CreateStateMachineAliasCommand({
          name: 'ghost',
          routingConfiguration: [{ stateMachineVersionArn: `${arn}:99`, weight: 100 }],
        }),
      ),
      'ResourceNotFound',
    );
    const aliases = await h.client.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn }));
    expect(aliases.stateMachineAliases?.map((a) => a.stateMachineAliasArn)).toEqual([aliasArn]);

    // ListExecutions filtered by version and by alias.
    const byAlias = await h.client.send(new ListExecutionsCommand({ stateMachineArn: aliasArn }));
    expect(byAlias.executions).toHaveLength(4);
    const byV1 = await h.client.send(new ListExecutionsCommand({ stateMachineArn: v1 }));
    expect(byV1.executions?.map((e) => e.executionArn)).toContain(e1);
    expect(byV1.executions).toHaveLength(2);

    // A version used by an alias cannot be deleted; once the alias is gone it can.
    await rejectsWith(
      h.client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v2 })),
      'ConflictException',
    );
    await h.client.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    await rejectsWith(
      h.client.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn })),
      'ResourceNotFound',
    );
    await h.client.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v2 }));
    await rejectsWith(
      h.client.send(new DescribeStateMachineCommand({ stateMachineArn: v2 })),
      'StateMachineDoesNotExist',
    );
    await rejectsWith(
      h.client.send(new StartExecutionCommand({ stateMachineArn: v2 })),
      'StateMachineDoesNotExist',
    );
  });
});

describe('executions', () => {
  it('starts idempotently by name as AWS does', async () => {
    const arn = await createMachine(h, 'callback');
    const input = JSON.stringify({ steps: {}, heartbeat: 3600, timeout: 86400 });
    const a = await h.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'allocation-2027', input }),
    );
    const b = await h.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'allocation-2027', input }),
    );
    expect(b.executionArn).toBe(a.executionArn);
    expect(b.startDate?.getTime()).toBe(a.startDate?.getTime());
    // Same name, other input while running.
    await rejectsWith(
      h.client.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'allocation-2027', input: '{"other":1}' }),
      ),
      'ExecutionAlreadyExists',
    );
    // Same name and input once closed.
    const done = await createMachine(h, 'pass-chain');
    const c = await start(h, done, { name: 'x' }, 'once');
    await waitFor(h.client, c);
    await rejectsWith(start(h, done, { name: 'x' }, 'once'), 'ExecutionAlreadyExists');
  });

  it('rejects bad execution input and names', async () => {
    const arn = await createMachine(h, 'pass-chain');
    await rejectsWith(
      h.client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{oops' })),
      'InvalidExecutionInput',
    );
    await rejectsWith(
      h.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a/b' })),
      'InvalidName',
    );
    await rejectsWith(
      h.client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:sqs:x' })),
      'InvalidArn',
    );
  });

  it('lists executions newest first with a status filter and paging', async () => {
    const arn = await createMachine(h, 'pass-chain');
    const started: string[] = [];
    for (let i = 0; i < 5; i++) started.push(await start(h, arn, { name: `n${i}` }, `list-${i}`));
    for (const e of started) await waitFor(h.client, e);
    const waiting = await createMachine(h, 'long-wait');
    const w = await start(h, waiting, {});
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await h.client.send(
        new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken }),
      );
      seen.push(...(out.executions ?? []).map((e) => e.executionArn as string));
      nextToken = out.nextToken;
    } while (nextToken);
    expect(seen).toEqual([...started].reverse());
    const succeeded = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }),
    );
    expect(succeeded.executions).toHaveLength(5);
    const running = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: waiting, statusFilter: 'RUNNING' }),
    );
    expect(running.executions?.map((e) => e.executionArn)).toEqual([w]);
    expect(running.executions?.[0].status).toBe('RUNNING');
  });
});
