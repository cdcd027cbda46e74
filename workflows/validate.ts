/**
 * Checks a workflow definition before it is compiled or published: first against
 * `workflow.schema.json`, then the rules a schema cannot say (steps that exist, forms and
 * functions that exist, every step reachable, every step able to finish, returns that go back).
 * Every error names the JSON pointer of the field at fault and says what is wrong in Chinese and
 * English, so an administrator can fix the definition without reading code.
 */
import { Ajv, type ErrorObject } from 'ajv';
import localizeZh from 'ajv-i18n/localize/zh';
import { hasForm } from '../forms/index';
import { FUNCTIONS } from '../functions/registry';
import {
  edgesOf,
  forwardTarget,
  isHuman,
  isParallelReview,
  ORG_LEAD_DEPT,
  type Step,
  type WorkflowDefinition,
} from './model';
import schema from './workflow.schema.json';

/** Stable codes of definition errors. */
export type WorkflowErrorCode =
  | 'SCHEMA'
  | 'DUPLICATE_STEP'
  | 'UNKNOWN_STEP'
  | 'NO_NEXT_STEP'
  | 'UNKNOWN_FORM'
  | 'UNKNOWN_FUNCTION'
  | 'RETURN_NOT_EARLIER'
  | 'RETURN_NOT_HUMAN'
  | 'REJECT_NOT_END'
  | 'PARALLEL_SOURCE_INVALID'
  | 'PARALLEL_NEEDS_LEAD_DEPT'
  | 'LEAD_DEPT_OUTSIDE_PARALLEL'
  | 'MAX_PARALLEL_WITHOUT_PARALLEL'
  | 'DUE_DATE_INVALID'
  | 'NO_SUCCESS_END'
  | 'UNREACHABLE_STEP'
  | 'NO_WAY_OUT';

/** One thing wrong with a definition. */
export interface WorkflowError {
  /** JSON pointer into the definition, e.g. `/steps/2/outcomes/return/0`. */
  path: string;
  code: WorkflowErrorCode;
  /** Chinese, then English, in one line. */
  message: string;
  zh: string;
  en: string;
}

export type WorkflowValidation = { ok: true } | { ok: false; errors: WorkflowError[] };

/** What the validator asks the rest of the system; defaults read the form and function registries. */
export interface WorkflowChecks {
  formExists(id: string, version: number): boolean;
  functionExists(id: string): boolean;
}

/** The registries this build carries: forms from `forms/`, functions from `functions/registry.ts`. */
export const defaultChecks: WorkflowChecks = {
  formExists: (id, version) => hasForm(id, version),
  functionExists: (id) => FUNCTIONS.some((f) => f.id === id),
};

// allErrors stays off (DESIGN §3 facts): the first schema error per branch is enough to fix.
const ajv = new Ajv({ discriminator: true, strict: true, allErrors: false });
const checkSchema = ajv.compile<WorkflowDefinition>(schema);

/** Validates a definition; never throws for bad input. */
export function validateWorkflow(def: unknown, checks: Partial<WorkflowChecks> = {}): WorkflowValidation {
  const { formExists, functionExists } = { ...defaultChecks, ...checks };
  if (!checkSchema(def)) return { ok: false, errors: schemaErrors(checkSchema.errors ?? []) };
  const wf = def;
  const errors: WorkflowError[] = [];
  const add = (path: string, code: WorkflowErrorCode, zh: string, en: string) =>
    errors.push({ path, code, zh, en, message: `${zh} ${en}` });

  // Index of each id's first occurrence; later duplicates are errors and never targets.
  const indexOf = new Map<string, number>();
  wf.steps.forEach((step, i) => {
    if (indexOf.has(step.id)) {
      add(
        `/steps/${i}/id`,
        'DUPLICATE_STEP',
        `步骤编号“${step.id}”重复，第 ${indexOf.get(step.id)! + 1} 步已使用。`,
        `Step id "${step.id}" is used twice (step ${indexOf.get(step.id)! + 1} has it already).`,
      );
    } else indexOf.set(step.id, i);
  });

  wf.steps.forEach((step, i) => {
    const base = `/steps/${i}`;
    const name = stepName(step, i);
    if (step.type !== 'end' && !forwardTarget(wf, i)) {
      add(
        base,
        'NO_NEXT_STEP',
        `${name.zh}是最后一步，但不是结束步骤：请写明下一步，或在其后加一个结束步骤。`,
        `${name.en} is the last step but not an end: name its next step or add an end step after it.`,
      );
    }
    for (const edge of edgesOf(wf, i)) {
      if (edge.path === base) continue; // the implicit "following step" always exists
      const target = indexOf.get(edge.to);
      if (target === undefined) {
        add(
          edge.path,
          'UNKNOWN_STEP',
          `${name.zh}指向的步骤“${edge.to}”不存在。`,
          `${name.en} leads to step "${edge.to}", which does not exist.`,
        );
        continue;
      }
      const targetStep = wf.steps[target];
      if (edge.kind === 'return') {
        if (target >= i) {
          add(
            edge.path,
            'RETURN_NOT_EARLIER',
            `${name.zh}只能退回到它之前的步骤，“${edge.to}”不在它之前。`,
            `${name.en} can only return to an earlier step; "${edge.to}" is not earlier.`,
          );
        } else if (!isHuman(targetStep)) {
          add(
            edge.path,
            'RETURN_NOT_HUMAN',
            `${name.zh}退回的“${edge.to}”不是填报或审核步骤，无人可以修改。`,
            `${name.en} returns to "${edge.to}", which is not a task or review, so nobody could revise anything.`,
          );
        }
      }
      if (edge.kind === 'reject' && targetStep.type !== 'end') {
        add(
          edge.path,
          'REJECT_NOT_END',
          `${name.zh}不予通过时应进入结束步骤，“${edge.to}”不是结束步骤。`,
          `${name.en}: a rejection must lead to an end step; "${edge.to}" is not one.`,
        );
      }
    }

    if (isHuman(step)) {
      if (!formExists(step.form.id, step.form.version)) {
        add(
          `${base}/form`,
          'UNKNOWN_FORM',
          `${name.zh}使用的表单“${step.form.id}”第 ${step.form.version} 版不存在。`,
          `${name.en} uses form "${step.form.id}" version ${step.form.version}, which does not exist.`,
        );
      }
      checkLeadDeptOrg(step, i, add);
      if (step.due.date !== undefined && !isEveryYearDate(step.due.date)) {
        add(
          `${base}/due/date`,
          'DUE_DATE_INVALID',
          `${name.zh}的期限“${step.due.date}”不是每年都有的日期。`,
          `${name.en} is due on "${step.due.date}", which is not a date in every year.`,
        );
      }
    }
    if (step.type === 'system' && !functionExists(step.function)) {
      add(
        `${base}/function`,
        'UNKNOWN_FUNCTION',
        `${name.zh}调用的系统功能“${step.function}”不存在。`,
        `${name.en} calls the system function "${step.function}", which does not exist.`,
      );
    }
    if (step.type === 'review' && step.maxParallel !== undefined && !isParallelReview(step)) {
      add(
        `${base}/maxParallel`,
        'MAX_PARALLEL_WITHOUT_PARALLEL',
        `${name.zh}不是并行审核（未写 eachLeadDeptOf），不能设置 maxParallel。`,
        `${name.en} is not a parallel review (no eachLeadDeptOf), so maxParallel does not apply.`,
      );
    }
    if (isParallelReview(step)) {
      const source = indexOf.get(step.eachLeadDeptOf);
      if (source === undefined) {
        add(
          `${base}/eachLeadDeptOf`,
          'UNKNOWN_STEP',
          `${name.zh}按步骤“${step.eachLeadDeptOf}”的牵头部门并行审核，但该步骤不存在。`,
          `${name.en} fans out over the lead departments of step "${step.eachLeadDeptOf}", which does not exist.`,
        );
      } else if (source >= i || wf.steps[source].type !== 'task') {
        add(
          `${base}/eachLeadDeptOf`,
          'PARALLEL_SOURCE_INVALID',
          `${name.zh}的牵头部门名单应取自它之前的一个填报步骤，“${step.eachLeadDeptOf}”不是。`,
          `${name.en} must take its lead departments from an earlier task step; "${step.eachLeadDeptOf}" is not one.`,
        );
      }
    }
  });

  if (!wf.steps.some((s) => s.type === 'end' && s.result === 'success')) {
    add(
      '/steps',
      'NO_SUCCESS_END',
      '流程没有办结（result 为 success）的结束步骤。',
      'The workflow has no end step with result "success".',
    );
  }

  // Graph checks only make sense once every reference resolves.
  if (errors.length === 0) errors.push(...graphErrors(wf, indexOf));
  return errors.length ? { ok: false, errors } : { ok: true };
}

type Add = (path: string, code: WorkflowErrorCode, zh: string, en: string) => void;

function checkLeadDeptOrg(step: Step & { who: { org: string } }, i: number, add: Add) {
  const name = stepName(step, i);
  const parallel = isParallelReview(step);
  if (parallel && step.who.org !== ORG_LEAD_DEPT) {
    add(
      `/steps/${i}/who/org`,
      'PARALLEL_NEEDS_LEAD_DEPT',
      `${name.zh}是按牵头部门的并行审核，办理单位应写 leadDept。`,
      `${name.en} is a parallel review per lead department, so its org must be "leadDept".`,
    );
  }
  const orgs: [string, string | undefined][] = [
    [`/steps/${i}/who/org`, parallel ? undefined : step.who.org],
    [`/steps/${i}/escalation/to/org`, 'escalation' in step ? step.escalation?.to.org : undefined],
  ];
  for (const [path, org] of orgs) {
    if (org === ORG_LEAD_DEPT && !parallel) {
      add(
        path,
        'LEAD_DEPT_OUTSIDE_PARALLEL',
        `${name.zh}不是按牵头部门的并行审核，不能写 leadDept（不知道是哪个部门）。`,
        `${name.en} is not a parallel review per lead department, so "leadDept" names no department.`,
      );
    }
  }
}

function graphErrors(wf: WorkflowDefinition, indexOf: Map<string, number>): WorkflowError[] {
  const n = wf.steps.length;
  const out: number[][] = wf.steps.map((_, i) => edgesOf(wf, i).map((e) => indexOf.get(e.to)!));
  const errors: WorkflowError[] = [];

  const reached = walk([0], (i) => out[i]);
  const into: number[][] = wf.steps.map(() => []);
  out.forEach((targets, from) => {
    for (const to of targets) into[to].push(from);
  });
  const ends = wf.steps.flatMap((s, i) => (s.type === 'end' ? [i] : []));
  const finishing = walk(ends, (i) => into[i]);

  for (let i = 0; i < n; i++) {
    const name = stepName(wf.steps[i], i);
    if (!reached.has(i)) {
      const zh = `${name.zh}从起点无法到达，永远不会执行。`;
      const en = `${name.en} cannot be reached from the first step, so it would never run.`;
      errors.push({ path: `/steps/${i}`, code: 'UNREACHABLE_STEP', zh, en, message: `${zh} ${en}` });
    } else if (!finishing.has(i)) {
      const zh = `${name.zh}之后的流程无论怎样办理都无法结束（循环没有出口）。`;
      const en = `${name.en} can never reach an end step whatever is decided: a loop with no way out.`;
      errors.push({ path: `/steps/${i}`, code: 'NO_WAY_OUT', zh, en, message: `${zh} ${en}` });
    }
  }
  return errors;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** MM-DD that exists in every year (so not 02-29: a deadline must not vanish in common years). */
function isEveryYearDate(mmdd: string): boolean {
  const [m, d] = mmdd.split('-').map(Number);
  return m >= 1 && m <= 12 && d >= 1 && d <= DAYS_IN_MONTH[m - 1];
}

function walk(starts: number[], next: (i: number) => number[]): Set<number> {
  const seen = new Set<number>(starts);
  const queue = [...starts];
  while (queue.length) {
    for (const j of next(queue.shift()!)) {
      if (!seen.has(j)) {
        seen.add(j);
        queue.push(j);
      }
    }
  }
  return seen;
}

function stepName(step: Step, i: number): { zh: string; en: string } {
  return { zh: `第 ${i + 1} 步“${step.title.zh}”（${step.id}）`, en: `Step ${i + 1} "${step.id}"` };
}

const TYPE_ZH: Record<string, string> = {
  string: '文字',
  integer: '整数',
  number: '数字',
  object: '对象',
  array: '列表',
  boolean: '是/否',
};

function schemaErrors(raw: ErrorObject[]): WorkflowError[] {
  const zhList = raw.map((e) => ({ ...e }));
  localizeZh(zhList);
  return raw.map((e, k) => {
    const plain = plainSchemaError(e, zhList[k].message ?? '');
    // Say which step first: an administrator counts steps, not array indexes.
    const n = /^\/steps\/(\d+)/.exec(plain.path);
    const zh = n ? `第 ${Number(n[1]) + 1} 步：${plain.zh}` : plain.zh;
    const en = n ? `Step ${Number(n[1]) + 1}: ${plain.en}` : plain.en;
    return { path: plain.path, code: 'SCHEMA', zh, en, message: `${zh} ${en}` };
  });
}

function plainSchemaError(e: ErrorObject, zhFallback: string): { path: string; zh: string; en: string } {
  const at = e.instancePath || '/';
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return {
        path: `${e.instancePath}/${p.missingProperty}`,
        zh: `缺少必填项“${p.missingProperty}”。`,
        en: `"${p.missingProperty}" is missing.`,
      };
    case 'additionalProperties':
      return {
        path: `${e.instancePath}/${p.additionalProperty}`,
        zh: `不认识的字段“${p.additionalProperty}”，请删除或检查拼写。`,
        en: `Unknown field "${p.additionalProperty}": remove it or check its spelling.`,
      };
    case 'discriminator':
      return {
        path: `${e.instancePath}/type`,
        zh: '步骤类型 type 只能是 task（填报）、review（审核）、system（系统处理）或 end（结束）。',
        en: 'A step\'s type must be "task", "review", "system" or "end".',
      };
    case 'enum':
      return {
        path: at,
        zh: `只能是以下之一：${(p.allowedValues as unknown[]).join('、')}。`,
        en: `Must be one of: ${(p.allowedValues as unknown[]).join(', ')}.`,
      };
    case 'type':
      return { path: at, zh: `应为${TYPE_ZH[p.type] ?? p.type}。`, en: `Must be ${article(p.type)}.` };
    case 'pattern':
      return /\/(next|approve|reject|eachLeadDeptOf|id)$|\/return\/\d+$/.test(at) && at.startsWith('/steps/')
        ? {
            path: at,
            zh: '步骤编号应以小写字母开头，只含字母和数字。',
            en: 'A step id starts with a lower-case letter and has only letters and digits.',
          }
        : {
            path: at,
            zh: `格式不对（应符合 ${p.pattern}）。`,
            en: `Wrong format (must match ${p.pattern}).`,
          };
    case 'minProperties':
    case 'maxProperties':
      return /\/due$/.test(at)
        ? {
            path: at,
            zh: '期限应写且只写一种：workingDays、days 或 date。',
            en: 'A deadline has exactly one of workingDays, days or date.',
          }
        : { path: at, zh: zhFallback, en: `${e.message}.` };
    case 'minimum':
    case 'maximum':
      return {
        path: at,
        zh: `${e.keyword === 'minimum' ? '不能小于' : '不能大于'} ${p.limit}。`,
        en: `Must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${p.limit}.`,
      };
    default:
      return { path: at, zh: `${zhFallback}。`, en: `${e.message ?? 'Invalid'}.` };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
