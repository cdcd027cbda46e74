import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffLines, findLines, leaves, lineKey } from '../../../web/src/lib/diff';

const rounds = JSON.parse(readFileSync(new URL('../../fixtures/web/rounds.json', import.meta.url), 'utf8'));

describe('round comparison', () => {
  it('matches lines by project code, not by position', () => {
    const d = diffLines(rounds.proposal.lines, rounds.plan.lines, { commonOnly: true });
    const byKey = Object.fromEntries(d.map((x) => [x.key, x]));
    expect(byKey.MS02.status).toBe('same');
    expect(byKey.MS02.index).toBe(0);
    expect(byKey.MS02.prevIndex).toBe(1);
    expect(byKey.MS01.status).toBe('changed');
    expect(byKey.MS01.changed).toEqual(['/quantity']);
    expect(byKey.MS04.status).toBe('added');
    expect(byKey.MS03.status).toBe('removed');
    expect(d.map((x) => x.key)).toEqual(['MS02', 'MS01', 'MS04', 'MS03']);
  });

  it('reports fields only one round has when asked to compare everything', () => {
    const d = diffLines(rounds.proposal.lines, rounds.plan.lines);
    expect(d.find((x) => x.key === 'MS01')!.changed).toContain('/schedule');
  });

  it('treats empty and missing values as equal and compares nested funds per source', () => {
    const d = diffLines(
      [{ projectCode: 'A', note: '', funds: { city: 1 } }],
      [{ projectCode: 'A', funds: { city: 2 } }],
    );
    expect(d[0].changed).toEqual(['/funds/city']);
  });

  it('falls back to the position for lines without a code', () => {
    expect(lineKey({ x: 1 }, 4)).toBe('#4');
    expect(lineKey({ project: { code: 'P9' } }, 0)).toBe('P9');
  });

  it('flattens nested values into pointer leaves', () => {
    expect([...leaves({ a: { b: 1, c: [2] } })]).toEqual([
      ['/a/b', 1],
      ['/a/c/0', 2],
    ]);
  });

  it('finds the table of lines in form data', () => {
    expect(findLines(rounds.plan).path).toBe('/lines');
    expect(findLines({ rows: [{ a: 1 }] }).path).toBe('/rows');
    expect(findLines({ n: 1 }).lines).toEqual([]);
  });
});
