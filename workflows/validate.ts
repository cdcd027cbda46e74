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
import { kitManifest } from '../functions/kits/manifests';
import { FUNCTIONS } from '../functions/registry';
import { cronIsValid } from './cron';
import {
  type Due,
  edgesOf,
  forwardTarget,
  type HumanStep,
  hasForm as hasFormStep,
  isFanOut,
  isHuman,
  ORG_COUNTY,
  ORG_ITEM,
  type Step,
  type Trigger,
  type WaitStep,
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
  | 'UNKNOWN_KIT'
  | 'UNKNOWN_LIST'
  | 'FANOUT_NEEDS_KIT'
  | 'ITEM_OUTSIDE_FANOUT'
  | 'INDEPENDENT_RETURN'
  | 'COUNTY_ORG_IN_CITY'
  | 'RETURN_NOT_EARLIER'
  | 'RETURN_NOT_HUMAN'
  | 'REJECT_NOT_END'
  | 'DUE_DATE_INVALID'
  | 'DUE_INVALID'
  | 'UNKNOWN_SUBJECT_DATE'
  | 'WAIT_INVALID'
  | 'TRIGGER_INVALID'
  | 'UNKNOWN_TRIGGER_LIST'
  | 'CRON_INVALID'
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

/** What a kit offers a definition (its manifest, or the part of it the validator reads). */
export interface KitFacts {
  lists: readonly string[];
  triggers: readonly string[];
  subjectDates?: readonly string[];
}

/** What the validator asks the rest of the system; defaults read this build's registries. */
export interface WorkflowChecks {
  formExists(id: string, version: number): boolean;
  functionExists(id: string): boolean;
  kit(id: string): KitFacts | undefined;
}

/** The registries this build carries: forms from `forms/`, functions and kits from `functions/`. */
export const defaultChecks: WorkflowChecks = {
  formExists: (id, version) => hasForm(id, version),
  functionExists: (id) => FUNCTIONS.some((f) => f.id === id),
  kit: (id) => kitManifest(id),
};

// allErrors stays off (DESIGN §3 facts): the first schema error per branch is enough to fix.
const ajv = new Ajv({ discriminator: true, strict: true, allErrors: false });
const checkSchema = ajv.compile<WorkflowDefinition>(schema);

/** Validates a definition; never throws for bad input. */
export function validateWorkflow(def: unknown, checks: Partial<WorkflowChecks> = {}): WorkflowValidation {
  const { formExists, functionExists, kit: kitFacts } = { ...defaultChecks, ...checks };
  if (!checkSchema(def)) return { ok: false, errors: schemaErrors(checkSchema.errors ?? []) };
  const wf = def;
  const errors: WorkflowError[] = [];
  const add: Add = (path, code, zh, en) => errors.push({ path, code, zh, en, message: `${zh} ${en}` });

  const kit = wf.kit ? kitFacts(wf.kit) : undefined;
  if (wf.kit && !kit) {
    add('/kit', 'UNKNOWN_KIT', `流程模块（kit）“${wf.kit}”不存在。`, `Kit "${wf.kit}" does not exist.`);
  }

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
        } else if (!hasFormStep(targetStep)) {
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

    if (hasFormStep(step) && !formExists(step.form.id, step.form.version)) {
      add(
        `${base}/form`,
        'UNKNOWN_FORM',
        `${name.zh}使用的表单“${step.form.id}”第 ${step.form.version} 版不存在。`,
        `${name.en} uses form "${step.form.id}" version ${step.form.version}, which does not exist.`,
      );
    }
    if (isHuman(step)) {
      checkOrgs(wf, step, i, add);
      checkDue(step.due, `${base}/due`, name, kit, add);
    }
    if (isFanOut(step)) {
      if (!wf.kit) {
        add(
          `${base}/each/list`,
          'FANOUT_NEEDS_KIT',
          `${name.zh}按名单“${step.each.list}”分发，但流程没有指定提供名单的 kit。`,
          `${name.en} fans out over list "${step.each.list}", but the workflow names no kit to compute it.`,
        );
      } else if (kit && !kit.lists.includes(step.each.list)) {
        add(
          `${base}/each/list`,
          'UNKNOWN_LIST',
          `${name.zh}的分发名单“${step.each.list}”在 kit“${wf.kit}”中不存在（可用：${kit.lists.join('、') || '无'}）。`,
          `${name.en} fans out over list "${step.each.list}", which kit "${wf.kit}" does not provide (it has: ${kit.lists.join(', ') || 'none'}).`,
        );
      }
      if (step.type === 'review' && step.each.policy === 'independent' && step.outcomes.return?.length) {
        add(
          `${base}/outcomes/return`,
          'INDEPENDENT_RETURN',
          `${name.zh}各项独立决定（independent），不能整体退回；请删除 return 或改用 anyReturn。`,
          `${name.en} decides each item independently, so nothing can be returned as a whole: remove "return" or use policy anyReturn.`,
        );
      }
    }
    if (step.type === 'wait') checkWait(step, base, name, kit, add);
    if (step.type === 'system' && !functionExists(step.function)) {
      add(
        `${base}/function`,
        'UNKNOWN_FUNCTION',
        `${name.zh}调用的系统功能“${step.function}”不存在。`,
        `${name.en} calls the system function "${step.function}", which does not exist.`,
      );
    }
  });

  for (const [i, t] of (wf.triggers ?? []).entries()) checkTrigger(wf, t, i, kit, add);

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
type Name = { zh: string; en: string };

function checkOrgs(wf: WorkflowDefinition, step: HumanStep, i: number, add: Add) {
  const name = stepName(step, i);
  const fanOut = isFanOut(step);
  const orgs: [string, string | undefined][] = [
    [`/steps/${i}/who/org`, step.who.org],
    [`/steps/${i}/escalation/to/org`, step.escalation?.to.org],
  ];
  for (const [path, org] of orgs) {
    if (org === ORG_ITEM && !fanOut) {
      add(
        path,
        'ITEM_OUTSIDE_FANOUT',
        `${name.zh}不是分发步骤（未写 each），不能写 item（不知道是哪一项）。`,
        `${name.en} does not fan out (no "each"), so "item" names no org.`,
      );
    }
    if (org === ORG_COUNTY && wf.stack === 'city') {
      add(
        path,
        'COUNTY_ORG_IN_CITY',
        `${name.zh}：市级流程没有所属县区，不能写 county。`,
        `${name.en}: a city workflow has no county, so "county" names no org.`,
      );
    }
  }
}

const DUE_KINDS = ['workingDays', 'days', 'date', 'subjectDate'] as const;

function checkDue(due: Due, path: string, name: Name, kit: KitFacts | undefined, add: Add) {
  const kinds = DUE_KINDS.filter((k) => due[k] !== undefined);
  if (kinds.length !== 1 || (due.fallback !== undefined && due.subjectDate === undefined)) {
    add(
      path,
      'DUE_INVALID',
      `${name.zh}的期限应写且只写一种：workingDays、days、date 或 subjectDate（fallback 只能与 subjectDate 同用）。`,
      `${name.en}: a deadline has exactly one of workingDays, days, date or subjectDate (fallback only with subjectDate).`,
    );
    return;
  }
  for (const [p, date] of [
    [`${path}/date`, due.date],
    [`${path}/fallback/date`, due.fallback?.date],
  ] as const) {
    if (date !== undefined && !isEveryYearDate(date)) {
      add(
        p,
        'DUE_DATE_INVALID',
        `${name.zh}的日期“${date}”不是每年都有的日期。`,
        `${name.en}: "${date}" is not a date in every year.`,
      );
    }
  }
  if (due.subjectDate !== undefined && !(kit?.subjectDates ?? []).includes(due.subjectDate)) {
    add(
      `${path}/subjectDate`,
      'UNKNOWN_SUBJECT_DATE',
      `${name.zh}引用的对象日期“${due.subjectDate}”不存在（可用：${(kit?.subjectDates ?? []).join('、') || '无'}）。`,
      `${name.en} uses subject date "${due.subjectDate}", which the workflow's kit does not provide (it has: ${(kit?.subjectDates ?? []).join(', ') || 'none'}).`,
    );
  }
}

function checkWait(step: WaitStep, base: string, name: Name, kit: KitFacts | undefined, add: Add) {
  if ((step.until === undefined) === (step.event === undefined)) {
    add(
      base,
      'WAIT_INVALID',
      `${name.zh}应写且只写一种等待：until（等到某日）或 event（等到某事件）。`,
      `${name.en} waits for exactly one thing: until (a date) or event (an event).`,
    );
    return;
  }
  if (step.until) checkDue(step.until, `${base}/until`, name, kit, add);
  if (step.event?.onTimeout !== undefined && step.event.timeoutDays === undefined) {
    add(
      `${base}/event/onTimeout`,
      'WAIT_INVALID',
      `${name.zh}写了 onTimeout，但没有写超时天数 timeoutDays。`,
      `${name.en} names onTimeout but no timeoutDays.`,
    );
  }
}

function checkTrigger(wf: WorkflowDefinition, t: Trigger, i: number, kit: KitFacts | undefined, add: Add) {
  const path = `/triggers/${i}`;
  const kinds = (['manual', 'event', 'schedule'] as const).filter((k) => t[k] !== undefined);
  if (kinds.length !== 1) {
    add(
      path,
      'TRIGGER_INVALID',
      `第 ${i + 1} 个启动方式应写且只写一种：manual、event 或 schedule。`,
      `Trigger ${i + 1} has exactly one of manual, event or schedule.`,
    );
    return;
  }
  if (t.schedule && !t.id) {
    add(
      `${path}/id`,
      'TRIGGER_INVALID',
      `第 ${i + 1} 个启动方式按计划时间启动，须写编号 id（记录上次启动的时间）。`,
      `Trigger ${i + 1} runs on a schedule and needs an id (it records when it last fired).`,
    );
  }
  if (t.schedule && !cronIsValid(t.schedule.cron)) {
    add(
      `${path}/schedule/cron`,
      'CRON_INVALID',
      `第 ${i + 1} 个启动方式的 cron“${t.schedule.cron}”无法识别（格式：分 时 日 月 周 年，如 0 1 1 * ? *）。`,
      `Trigger ${i + 1}: cannot read cron "${t.schedule.cron}" (minutes hours day-of-month month day-of-week year, e.g. 0 1 1 * ? *).`,
    );
  }
  if (t.manual) {
    if (t.each !== undefined) {
      add(
        `${path}/each`,
        'TRIGGER_INVALID',
        `第 ${i + 1} 个启动方式是手工启动，不用写 each。`,
        `Trigger ${i + 1} is a manual start and takes no "each".`,
      );
    }
    return;
  }
  if (t.each === undefined) {
    add(
      `${path}/each`,
      'TRIGGER_INVALID',
      `第 ${i + 1} 个启动方式须写 each：由 kit 计算要启动的实例。`,
      `Trigger ${i + 1} needs "each": the kit's list of instances to start.`,
    );
  } else if (!wf.kit || (kit && !kit.triggers.includes(t.each))) {
    add(
      `${path}/each`,
      'UNKNOWN_TRIGGER_LIST',
      `第 ${i + 1} 个启动方式的名单“${t.each}”在流程的 kit 中不存在（可用：${(kit?.triggers ?? []).join('、') || '无'}）。`,
      `Trigger ${i + 1}: list "${t.each}" is not one the workflow's kit provides (it has: ${(kit?.triggers ?? []).join(', ') || 'none'}).`,
    );
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
        zh: '步骤类型 type 只能是 task（填报）、review（审核）、notice（通知签收）、wait（等待）、system（系统处理）或 end（结束）。',
        en: 'A step\'s type must be "task", "review", "notice", "wait", "system" or "end".',
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
      return /\/(next|approve|reject|onTimeout|id)$|\/return\/\d+$/.test(at) && at.startsWith('/steps/')
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
      return /\/(due|until|fallback)$/.test(at)
        ? {
            path: at,
            zh: '期限应写且只写一种：workingDays、days、date 或 subjectDate（可加 fallback）。',
            en: 'A deadline has exactly one of workingDays, days, date or subjectDate (plus an optional fallback).',
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
