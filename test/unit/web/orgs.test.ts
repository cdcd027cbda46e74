import { afterEach, describe, expect, it } from 'vitest';
import { getForm } from '../../../forms/index';
import { webConfigDocument } from '../../../functions/core/web-config';
import type { PreviousRound } from '../../../web/src/api/types';
import { diffLines, findLines } from '../../../web/src/lib/diff';
import { assignedOrg, isKnownOrg, orgName, setOrgs, withOrgWidget } from '../../../web/src/lib/orgs';
import { cellText, columnsOf, itemSchemaAt } from '../../../web/src/lib/schemaColumns';
import { compareRoundOf, controlRoundOf } from '../../../web/src/lib/task';

// The names as the app gets them: from the same builder that serves /config.json.
const ORGS = webConfigDocument({ cityApi: '/api', counties: [], auth: {} }).orgs;

afterEach(() => setOrgs([]));

/** Stands in for the name widget component. */
const Widget = () => null;

describe('org names', () => {
  it('shows a lead department by its Chinese or English name, and an unknown id as itself', () => {
    setOrgs(ORGS);
    expect(orgName('dept_yb', 'zh')).toBe('医疗保障局');
    expect(orgName('dept_yb', 'en')).toBe('Healthcare Security Bureau');
    expect(orgName('dept_xx', 'zh')).toBe('dept_xx');
    expect(orgName(undefined)).toBe('');
    expect(isKnownOrg('dept_jt')).toBe(true);
    expect(isKnownOrg('340102')).toBe(false);
    setOrgs(undefined);
    expect(orgName('dept_yb', 'zh')).toBe('dept_yb');
  });

  it('names the lead department column of a plan in tables (comparison, print, project lines)', () => {
    setOrgs(ORGS);
    const def = getForm('alloc-plan', 1);
    const { item, ui } = itemSchemaAt(def.schema, def.uiSchema, '/lines');
    const col = columnsOf(item, ui).find((c) => c.pointer === '/leadDept');
    expect(col?.org).toBe(true);
    expect(cellText(col, 'dept_jt', 'zh')).toBe('交通运输局');
    expect(cellText(col, 'dept_jt', 'en')).toBe('Transport Bureau');
    // Other text columns are untouched even when a value looks like an org id.
    expect(
      cellText(
        columnsOf(item, ui).find((c) => c.pointer === '/unit'),
        'dept_jt',
      ),
    ).toBe('dept_jt');
  });

  it('puts the name widget on the read-only lead department of each line, and nowhere else', () => {
    const def = getForm('alloc-plan', 1);
    const ui = withOrgWidget(def.schema, def.uiSchema, Widget) as any;
    expect(ui.lines.items.leadDept['ui:widget']).toBe(Widget);
    expect(ui.lines.items.leadDept['ui:readonly']).toBe(true);
    expect(ui.lines.items.projectName?.['ui:widget']).not.toBe(Widget);
    expect((def.uiSchema as any).lines.items.leadDept['ui:widget']).toBeUndefined();
    // An editable org field keeps its input.
    const editable = withOrgWidget(
      { type: 'object', properties: { leadDept: { type: 'string' } } },
      {},
      Widget,
    ) as any;
    expect(editable.leadDept).toBeUndefined();
  });

  it('finds the org a task is assigned to', () => {
    expect(assignedOrg({ leadDept: 'dept_yb', assignee: { org: 'dept_yb' } })).toBe('dept_yb');
    expect(assignedOrg({ assignee: { role: 'city_office', org: 'city_office' } })).toBe('city_office');
    expect(assignedOrg({})).toBeUndefined();
  });
});

describe('a first 二上 beside 一上', () => {
  const proposal: PreviousRound = {
    step: 'proposal',
    formId: 'alloc-proposal',
    at: '2027-01-07T00:00:00Z',
    data: {
      lines: [{ projectCode: 'MS19', quantity: 45, unit: '公里', funds: { central: 70, county: 20 } }],
    },
  };
  const control: PreviousRound = {
    step: 'control',
    formId: 'alloc-control',
    at: '2027-01-09T00:00:00Z',
    data: { lines: [{ projectCode: 'MS19', targetQuantity: 45, control: { central: 70, county: 15 } }] },
  };

  it('compares with 一上 (not the control figures) and highlights what 二上 changed', () => {
    const rounds = [control, proposal]; // newest first, as the API sends them
    expect(controlRoundOf(rounds)).toBe(control);
    const base = compareRoundOf(rounds, 'alloc-plan');
    expect(base).toBe(proposal);
    const plan = [{ projectCode: 'MS19', quantity: 45, unit: '公里', funds: { central: 70, county: 15 } }];
    const d = diffLines(findLines(base?.data).lines, plan, { commonOnly: true });
    expect(d).toMatchObject([{ key: 'MS19', status: 'changed', changed: ['/funds/county'] }]);
  });

  it('a resubmitted plan still compares with its own last round', () => {
    const plan1: PreviousRound = {
      step: 'plan',
      formId: 'alloc-plan',
      data: { lines: [{ projectCode: 'MS19' }] },
    };
    expect(compareRoundOf([plan1, control, proposal], 'alloc-plan')).toBe(plan1);
    expect(compareRoundOf([control], 'alloc-plan')).toBeUndefined();
  });
});
