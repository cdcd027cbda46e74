import { afterEach, describe, expect, it } from 'vitest';
import { getForm } from '../../../forms/index';
import { webConfigDocument } from '../../../functions/core/web-config';
import { assignedOrg, isKnownOrg, orgName, setOrgs, withOrgWidget } from '../../../web/src/lib/orgs';
import { cellText, columnsOf, itemSchemaAt } from '../../../web/src/lib/schemaColumns';

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
    expect(assignedOrg({ item: { key: 'dept_yb', org: 'dept_yb' }, assignee: { org: 'dept_yb' } })).toBe(
      'dept_yb',
    );
    expect(assignedOrg({ assignee: { role: 'city_office', org: 'city_office' } })).toBe('city_office');
    expect(assignedOrg({})).toBeUndefined();
  });
});
