/**
 * The allocation's readings of its submissions: what a task's form starts with, what a reviewer
 * compares against, who reviews which lines, which lines 二下 approved. Pure functions over the
 * catalogue and the earlier submissions (oldest first), keyed by form id so that a renamed step in an
 * edited workflow keeps working.
 */
import type { CatalogueProject, FundAccounts } from '../../../contracts/domain';
import type { Submission } from '../../runtime/submissions';

/** A line of any allocation form: they all carry the project code. */
export interface Line {
  projectCode: string;
  [field: string]: unknown;
}

const FORM = {
  proposal: 'alloc-proposal',
  review: 'alloc-review',
  control: 'alloc-control',
  plan: 'alloc-plan',
  approval: 'alloc-approval',
} as const;

/** The lines of a submission's data (every allocation form keeps them under `lines`). */
export function linesOf(data: unknown): Line[] {
  const lines = (data as { lines?: unknown } | null)?.lines;
  return Array.isArray(lines) ? (lines.filter((l) => l && typeof l === 'object') as Line[]) : [];
}

function latest(subs: readonly Submission[], formId: string): Submission | undefined {
  for (let i = subs.length - 1; i >= 0; i--) if (subs[i].formId === formId) return subs[i];
  return undefined;
}

const ZERO: FundAccounts = { central: 0, provincial: 0, city: 0, county: 0 };

function funds(v: unknown): FundAccounts {
  const f = (v ?? {}) as Partial<FundAccounts>;
  return {
    central: Number(f.central ?? 0),
    provincial: Number(f.provincial ?? 0),
    city: Number(f.city ?? 0),
    county: Number(f.county ?? 0),
  };
}

/** Rounds to cents: amounts are 万元 with two decimals and must pass `multipleOf: 0.01`. */
function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A 12-month cumulative schedule rising evenly to 100% and to `total`. */
export function evenSchedule(total: number): { month: number; progressPct: number; disbursed: number }[] {
  return Array.from({ length: 12 }, (_, i) => ({
    month: i + 1,
    progressPct: Math.round(((i + 1) * 1000) / 12) / 10,
    disbursed: cents((total * (i + 1)) / 12),
  }));
}

export interface PrefillInput {
  formId: string;
  year: number;
  projects: readonly CatalogueProject[];
  /** Every submission of the allocation so far, oldest first. */
  submissions: readonly Submission[];
  /** Set for a lead department's review (its fan-out item): only its lines. */
  leadDept?: string;
}

/**
 * The data a task's form opens with: after a return, the county's own last submission; otherwise
 * the previous stage's figures carried forward (一下 from the proposal, 二上 from the control
 * figures), or the catalogue for a first proposal. Reviews start as "approve" on every line in
 * scope. Returns undefined for a form it does not know.
 */
export function prefill(input: PrefillInput): Record<string, unknown> | undefined {
  const { formId, submissions, leadDept } = input;
  const inScope = (l: Line) => !leadDept || l.leadDept === leadDept;
  const byCode = new Map(input.projects.map((p) => [p.code, p]));
  switch (formId) {
    case FORM.proposal: {
      const prev = latest(submissions, FORM.proposal);
      if (prev) return structuredClone(prev.data);
      return {
        lines: input.projects.map((p) => ({
          projectCode: p.code,
          projectName: p.name,
          category: p.category,
          leadDept: p.leadDept,
          quantity: 0,
          unit: p.unit ?? '项',
          targets: '',
          funds: { ...ZERO },
        })),
      };
    }
    case FORM.review:
    case FORM.approval: {
      const subject = latest(submissions, formId === FORM.review ? FORM.proposal : FORM.plan);
      const lines: Line[] = linesOf(subject?.data).map((l) => ({
        ...l,
        leadDept: l.leadDept ?? byCode.get(l.projectCode)?.leadDept,
      }));
      return {
        lines: lines.filter(inScope).map((l) => ({
          projectCode: l.projectCode,
          projectName: String(l.projectName ?? byCode.get(l.projectCode)?.name ?? l.projectCode),
          decision: 'approve',
        })),
      };
    }
    case FORM.control: {
      const prev = latest(submissions, FORM.control);
      if (prev) return structuredClone(prev.data);
      const proposal = latest(submissions, FORM.proposal);
      return {
        lines: linesOf(proposal?.data).map((l) => ({
          projectCode: l.projectCode,
          projectName: l.projectName,
          category: l.category,
          leadDept: l.leadDept,
          targetQuantity: Number(l.quantity ?? 0),
          unit: l.unit,
          targets: typeof l.targets === 'string' ? l.targets : '',
          control: funds(l.funds),
        })),
      };
    }
    case FORM.plan: {
      const prev = latest(submissions, FORM.plan);
      const control = latest(submissions, FORM.control);
      // A plan returned after new control figures starts again from those figures.
      if (prev && (!control || prev.at > control.at)) return structuredClone(prev.data);
      return {
        lines: linesOf(control?.data).map((l) => {
          const c = funds(l.control);
          return {
            projectCode: l.projectCode,
            projectName: l.projectName,
            category: l.category,
            leadDept: l.leadDept,
            crossYear: false,
            quantity: Number(l.targetQuantity ?? 0),
            unit: l.unit,
            targets:
              typeof l.targets === 'string' && l.targets !== '' ? l.targets : String(l.projectName ?? ''),
            funds: c,
            matching: { city: c.city, county: c.county },
            schedule: evenSchedule(cents(c.central + c.provincial + c.city + c.county)),
            responsibleUnit: '',
            deadline: `${input.year}-11-30`,
          };
        }),
      };
    }
    default:
      return undefined;
  }
}

/** Which earlier forms a step's task shows for comparison (every submission of each), newest first. */
export function comparisonForms(formId: string): string[] {
  switch (formId) {
    case FORM.proposal:
    case FORM.review:
      return [FORM.proposal];
    case FORM.control:
      return [FORM.proposal, FORM.control];
    case FORM.plan:
      return [FORM.plan, FORM.control];
    case FORM.approval:
      return [FORM.plan];
    default:
      return [formId];
  }
}

/**
 * Forms of which a step's task also shows the latest submission only: a 二上 plan is read beside
 * the 一上 proposal it grew from, but the proposal's earlier (returned) attempts are noise there.
 */
function latestComparisonForms(formId: string): string[] {
  return formId === FORM.plan ? [FORM.proposal] : [];
}

/**
 * The earlier submissions a step's task shows for comparison, newest first: every submission of
 * {@link comparisonForms} plus the latest of the forms read only at their last state (for 二上 the
 * latest 一上 proposal, so the plan page can show 一上 beside 二上).
 */
export function comparisonRounds(formId: string, submissions: readonly Submission[]): Submission[] {
  const every = new Set(comparisonForms(formId));
  const latestOnly = new Set(
    latestComparisonForms(formId)
      .map((f) => latest(submissions, f))
      .filter((s): s is Submission => !!s),
  );
  return submissions.filter((s) => every.has(s.formId ?? '') || latestOnly.has(s)).reverse();
}

/** The lead departments with lines in a submission (the fan-out facts a later step needs). */
export function leadDeptsOf(data: unknown, projects: readonly CatalogueProject[]): string[] {
  const byCode = new Map(projects.map((p) => [p.code, p.leadDept]));
  const set = new Set<string>();
  for (const l of linesOf(data)) {
    const d = (typeof l.leadDept === 'string' && l.leadDept) || byCode.get(l.projectCode);
    if (d) set.add(d);
  }
  return [...set].sort();
}

/**
 * The lines approved at the end: lines of the latest plan that no approval submitted after it
 * returned. Used by CreateProjects.
 */
export function approvedLines(submissions: readonly Submission[]): Line[] {
  const plan = latest(submissions, FORM.plan);
  if (!plan) return [];
  const returned = new Set<string>();
  for (const s of submissions) {
    if (s.formId !== FORM.approval || s.at < plan.at) continue;
    for (const l of linesOf(s.data)) if (l.decision === 'return') returned.add(l.projectCode);
  }
  return linesOf(plan.data).filter((l) => !returned.has(l.projectCode));
}

/** The latest submission of a form, if any. */
export function latestOf(subs: readonly Submission[], formId: string): Submission | undefined {
  return latest(subs, formId);
}

/** The allocation's form ids. */
export const ALLOCATION_FORMS = FORM;
