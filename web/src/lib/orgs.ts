/**
 * Org unit names (`dept_yb` → 医疗保障局 / Healthcare Security Bureau). The names come from
 * `/config.json` (`orgs`, built from the repo's org-units file for the twin and for AWS alike); the
 * app registers them once on start and every page reads them from here.
 */

/** An org unit with its display names, as `/config.json` lists them. */
export interface OrgName {
  id: string;
  name: string;
  nameEn?: string;
}

let byId = new Map<string, OrgName>();

/** Registers the org names of `/config.json` (replacing any earlier ones). */
export function setOrgs(orgs: ReadonlyArray<OrgName> | undefined): void {
  byId = new Map((orgs ?? []).filter((o) => o && typeof o.id === 'string').map((o) => [o.id, o]));
}

/** Is this a known org unit id? */
export function isKnownOrg(id: string | undefined | null): boolean {
  return !!id && byId.has(id);
}

/** An org's name in the language (English falls back to Chinese), or the id itself when unknown. */
export function orgName(id: string | undefined | null, lang: 'zh' | 'en' = 'zh'): string {
  if (!id) return '';
  const o = byId.get(id);
  if (!o) return id;
  return (lang === 'en' ? o.nameEn || o.name : o.name) || id;
}

/** Is a column (pointer relative to a line) an org id, shown by name? */
export function isOrgField(pointer: string): boolean {
  return /(^|\/)leadDept$/.test(pointer);
}

type Schema = Record<string, unknown>;

/**
 * The UI schema with `widget` set on every read-only org field (`leadDept`, at any depth, lines
 * included), so forms show the department's name where they showed its id. Editable org fields are
 * left alone: a name widget must never stand in for an input. Returns a new object; the input is kept.
 */
export function withOrgWidget(schema: unknown, uiSchema: unknown, widget: unknown): Schema {
  const s = (schema ?? {}) as Schema;
  const ui = { ...((uiSchema ?? {}) as Schema) };
  if (s.type === 'array' && s.items && typeof s.items === 'object') {
    ui.items = withOrgWidget(s.items, ui.items, widget);
    return ui;
  }
  const props = (s.properties ?? {}) as Record<string, Schema>;
  for (const [k, p] of Object.entries(props)) {
    const pu = (ui[k] ?? {}) as Schema;
    if (isOrgField(k) && p?.type === 'string') {
      if (pu['ui:readonly'] === true) ui[k] = { ...pu, 'ui:widget': widget };
    } else if (p?.type === 'object' || p?.type === 'array') {
      ui[k] = withOrgWidget(p, pu, widget);
    }
  }
  return ui;
}

/** The org a task is assigned to: its fan-out item's org, else the assignee's org. */
export function assignedOrg(task: {
  item?: { key?: string; org?: string };
  assignee?: { role?: string; org?: string };
}): string | undefined {
  return task.item?.org ?? task.assignee?.org;
}
