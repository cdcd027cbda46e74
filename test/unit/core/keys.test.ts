import { describe, expect, test } from 'vitest';
import { GSI1, GSI2, keys, stripKeys } from '../../../functions/core/keys';
import { TABLE_DEFINITION } from '../../../functions/core/table';

describe('key templates', () => {
  test('use the attribute names of the shared table definition', () => {
    expect(Object.keys(keys.task('abc'))).toEqual([TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey]);
    expect(Object.keys(keys.taskByRun('allocation', 'Y2027', 1, 't', 'abc'))).toEqual([
      GSI1.partitionKey,
      GSI1.sortKey,
    ]);
    expect(Object.keys(keys.inboxByCounty('340102', 'open', 't', 'abc'))).toEqual([
      GSI2.partitionKey,
      GSI2.sortKey,
    ]);
  });

  test('a run keeps its submissions and audit in one partition; a new attempt starts another', () => {
    const pk = keys.runPartition('allocation', 'Y2027', 1);
    expect(keys.submission('allocation', 'Y2027', 1, 'x').pk).toBe(pk);
    expect(keys.submission('allocation', 'Y2027', 1, 'x').sk).toBe('SUB#x');
    expect(keys.submission('allocation', 'Y2027', 2, 'x').pk).not.toBe(pk);
    expect(keys.audit(pk, '2027-01-01T00:00:00.000Z', 'id').sk).toBe('AUDIT#2027-01-01T00:00:00.000Z#id');
    // The instance item is keyed by workflow and subject only: one current instance per subject.
    expect(keys.instance('allocation', 'Y2027')).toEqual({ pk: 'INST#allocation#Y2027', sk: 'INST' });
  });

  test('inbox keys put one assignee and status per partition, ordered by time', () => {
    expect(keys.inboxByAssignee('city_dept', 'dept_jt', 'open', '2027-03-01', 't1')).toEqual({
      gsi1pk: 'INBOX#city_dept#dept_jt#open',
      gsi1sk: '2027-03-01#t1',
    });
    expect(keys.inboxAssigneePk('city_dept', 'dept_jt', 'open')).toBe('INBOX#city_dept#dept_jt#open');
  });

  test('project views can be listed by year, by county prefix and by lead department', () => {
    expect(keys.projectViewByYear(2027, '340102', 'MS19')).toEqual({
      gsi1pk: 'PROJECTS#2027',
      gsi1sk: '340102#MS19',
    });
    expect(keys.projectViewByDept(2027, 'dept_jt', '340102', 'MS19')).toEqual({
      gsi2pk: 'PROJECTS#2027#DEPT#dept_jt',
      gsi2sk: '340102#MS19',
    });
  });

  test('every entity of a table has its own partition prefix', () => {
    const county = [
      keys.instance('w', 's'),
      keys.task('a'),
      keys.project('a'),
      keys.idempotency('s', 'k'),
      keys.resumeMarker('a'),
      keys.outbox('a'),
    ];
    const city = [
      keys.record('round', '1'),
      keys.inboxItem('340102', 'a'),
      keys.projectView('c', 'a'),
      keys.idempotency('s', 'k'),
      keys.outbox('a'),
    ];
    for (const table of [county, city]) {
      const prefixes = table.map((k) => k.pk.split('#')[0]);
      expect(new Set(prefixes).size).toBe(prefixes.length);
    }
  });

  test('stripKeys removes key and index attributes only', () => {
    expect(
      stripKeys({
        ...keys.task('a'),
        ...keys.taskByRun('w', 's', 1, 't', 'a'),
        ...keys.timer('t', 'a'),
        ttl: 1,
        id: 'a',
        status: 'open',
      }),
    ).toEqual({
      id: 'a',
      status: 'open',
    });
  });
});
