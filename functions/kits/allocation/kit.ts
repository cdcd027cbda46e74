/**
 * The allocation kit (任务分解“二上二下”): everything the allocation workflow does that other workflows
 * don't. Its subject is the county's year (`Y<year>`); its start input is the year's catalogue; its
 * forms start from the previous stage's figures; its rules need the catalogue and the 一下 control
 * figures; its parallel reviews fan out over the lead departments with lines; a department decides
 * only on the lines it leads; and a project's history shows its line through every round.
 */
import type { HistoryEntry } from '../../../contracts/api';
import type { CatalogueProject } from '../../../contracts/domain';
import type { FanOutItem } from '../../../contracts/steps';
import { roleLines } from '../../../forms/roles';
import type { FieldError } from '../../core/errors';
import { ValidationFailed } from '../../core/errors';
import type { Project } from '../../core/project';
import { orgNames } from '../../core/web-config';
import { getInstance } from '../../runtime/instances';
import type { Instance, Kit, TaskArgs } from '../../runtime/kit';
import { listSubmissions, type Submission } from '../../runtime/submissions';
import { ALLOCATION_FORMS, comparisonRounds, latestOf, leadDeptsOf, linesOf, prefill } from './prefill';
import { catalogueOf } from './projects';

export const ALLOCATION = 'allocation';

/** The subject of a county's allocation of a year. */
export function allocationSubject(year: number): string {
  return `Y${year}`;
}

const ORG_NAMES = new Map(orgNames().map((o) => [o.id, o]));

function deptItems(depts: string[]): FanOutItem[] {
  return depts.map((d) => {
    const o = ORG_NAMES.get(d);
    return { key: d, org: d, label: o ? { zh: o.name, en: o.nameEn } : undefined };
  });
}

async function leadDeptList(rt: TaskArgs['rt'], inst: Instance, formId: string): Promise<FanOutItem[]> {
  const subs = await listSubmissions(rt, inst);
  return deptItems(leadDeptsOf(latestOf(subs, formId)?.data, catalogueOf(inst)));
}

/** Lines a reviewer may decide on: a lead department its own; the city office every catalogue line. */
function authorityProblems(a: Parameters<NonNullable<Kit['checkDecision']>>[0]): FieldError[] {
  if (a.task.formId !== ALLOCATION_FORMS.review && a.task.formId !== ALLOCATION_FORMS.approval) return [];
  const byCode = new Map(catalogueOf(a.instance).map((p) => [p.code, p]));
  const dept = a.task.item?.key;
  const errors: FieldError[] = [];
  for (const l of roleLines(a.form, a.data)) {
    const project = byCode.get(l.key);
    const at = `/lines/${l.index}`;
    if (!project) {
      errors.push({
        path: `${at}/projectCode`,
        message: `第 ${l.index + 1} 行「${l.label}」不在本年度项目清单中，不能审核`,
      });
    } else if (dept && project.leadDept !== dept) {
      errors.push({
        path: `${at}/decision`,
        message: `第 ${l.index + 1} 行「${project.name}」由${ORG_NAMES.get(project.leadDept)?.name ?? project.leadDept}牵头，本部门不能审核`,
      });
    }
  }
  return errors;
}

const STEP_ACTION: Record<string, string> = {
  [ALLOCATION_FORMS.proposal]: 'line.proposed',
  [ALLOCATION_FORMS.review]: 'line.reviewed',
  [ALLOCATION_FORMS.control]: 'line.controlFigures',
  [ALLOCATION_FORMS.plan]: 'line.planned',
  [ALLOCATION_FORMS.approval]: 'line.approved',
};

/** A project's line through every submission of the allocation that created it. */
function lineHistory(project: Project, subs: readonly Submission[]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const s of subs) {
    const line = linesOf(s.data).find((l) => l.projectCode === project.code);
    if (!line) continue;
    const decision = typeof line.decision === 'string' ? line.decision : undefined;
    out.push({
      at: s.at,
      by: s.by,
      action: STEP_ACTION[s.formId ?? ''] ?? `line.${s.formId}`,
      round: { year: s.year, step: s.step, formId: s.formId, attempt: s.taskAttempt, submissionId: s.id },
      summary: decision
        ? `${s.stepTitle ?? s.step}：${decision === 'approve' ? '同意' : '退回修改'}${line.comment ? `（${line.comment}）` : ''}`
        : `${s.stepTitle ?? s.step}：第${s.taskAttempt}次报送`,
      values: line,
    });
  }
  return out;
}

function badInput(message: string, path = ''): never {
  throw new ValidationFailed([{ path, message }]);
}

export const allocationKit: Kit = {
  id: ALLOCATION,

  subject(input) {
    const i = (input ?? {}) as { year?: unknown; roundId?: unknown; projects?: unknown };
    if (!Number.isInteger(i.year) || (i.year as number) < 2000 || (i.year as number) > 2100) {
      badInput('年度应为 2000-2100 之间的整数', '/year');
    }
    if (!Array.isArray(i.projects) || i.projects.length === 0) badInput('项目清单不能为空', '/projects');
    const projects = (i.projects as CatalogueProject[]).map((p) => ({
      code: p.code,
      name: p.name,
      leadDept: p.leadDept,
      category: p.category,
      ...(p.unit ? { unit: p.unit } : {}),
    }));
    const year = i.year as number;
    return {
      subject: allocationSubject(year),
      year,
      label: { zh: `${year}年度任务分解`, en: `Allocation ${year}` },
      input: { year, roundId: typeof i.roundId === 'string' ? i.roundId : String(year), projects },
    };
  },

  prefill(a) {
    if (!a.task.formId) return undefined;
    return prefill({
      formId: a.task.formId,
      year: a.task.year,
      projects: catalogueOf(a.instance),
      submissions: a.submissions,
      leadDept: a.task.item?.key,
    });
  },

  facts(a) {
    return {
      projects: catalogueOf(a.instance),
      control: latestOf(a.submissions, ALLOCATION_FORMS.control)?.data,
    };
  },

  comparison(a) {
    return a.task.formId ? comparisonRounds(a.task.formId, a.submissions) : [];
  },

  compareWith(a) {
    // A resubmission compares with its own last round; a first 二上 with 一上 (not the control
    // figures: different fields), so the county sees what it proposed beside what it plans.
    const rounds = a.task.formId ? comparisonRounds(a.task.formId, a.submissions) : [];
    const own = rounds.find((s) => s.formId === a.task.formId);
    return (own ?? rounds.find((s) => s.formId !== ALLOCATION_FORMS.control && linesOf(s.data).length > 0))
      ?.id;
  },

  lists: {
    proposalLeadDepts: ({ rt, instance }) => leadDeptList(rt, instance, ALLOCATION_FORMS.proposal),
    planLeadDepts: ({ rt, instance }) => leadDeptList(rt, instance, ALLOCATION_FORMS.plan),
  },

  checkDecision: authorityProblems,

  async projectHistory(rt, project) {
    const inst = await getInstance(rt, ALLOCATION, allocationSubject(project.year));
    if (!inst) return [];
    return lineHistory(project, await listSubmissions(rt, inst));
  },
};
