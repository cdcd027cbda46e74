/* Generated from workflows/workflow.schema.json by workflows/scripts/gen-types.ts. Do not edit. */

/**
 * 一个步骤；type 为 task（填报）、review（审核）、system（系统处理）或 end（结束）。 One step; type is task, review, system or end.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Step".
 */
export type Step = TaskStep | ReviewStep | SystemStep | EndStep;
/**
 * 步骤编号（字母和数字，小写字母开头），如 proposal。 Step id, e.g. proposal.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "StepId".
 */
export type StepId = string;
/**
 * 角色：city_office 市民生办，city_dept 市直牵头部门，county_office 县区民生办，project_unit 项目实施单位，supervisor 特邀监督员，inspector 人大政协视察，admin 系统管理员。
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Role".
 */
export type Role =
  'city_office' | 'city_dept' | 'county_office' | 'project_unit' | 'supervisor' | 'inspector' | 'admin';

/**
 * 一个业务流程（如“二上二下”）：按顺序列出的步骤。第一步是起点；未写“next”时进入列表中的下一步。 A workflow: its steps in order. The first step starts it; a step without "next" goes on to the step after it in the list.
 */
export interface WorkflowDefinition {
  /**
   * 编辑器提示用的模式地址。 Schema reference for editors.
   */
  $schema?: string;
  /**
   * 流程编号（小写字母、数字、连字符），如 allocation。 Workflow id, e.g. allocation.
   */
  id: string;
  /**
   * 版本号；发布后不再修改，改动发布为新版本。 Version; a published version never changes.
   */
  version: number;
  title: Title;
  description?: Text;
  /**
   * 步骤，按办理顺序排列。 The steps, in the order they are worked.
   *
   * @minItems 2
   * @maxItems 60
   */
  steps: Step[];
}
/**
 * 中英文名称。 Name in Chinese and English.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Title".
 */
export interface Title {
  zh: string;
  en: string;
}
/**
 * 中英文说明。 Explanation in Chinese and English.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Text".
 */
export interface Text {
  zh: string;
  en: string;
}
/**
 * 填报：某人填写并提交一张表单。 A task: someone fills in and submits a form.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "TaskStep".
 */
export interface TaskStep {
  type: 'task';
  id: StepId;
  title: Title;
  who: Who;
  form: FormRef;
  due: Due;
  reminder?: Reminder;
  escalation?: Escalation;
  next?: StepId;
}
/**
 * 由谁办理：角色加单位。单位写 county（本流程所属县区）、city（市民生办）、leadDept（并行审核中的各牵头部门），或某个单位编号如 dept_jt。 Who acts: a role in an org: county (the workflow's county), city (the city office), leadDept (each lead department of a parallel review), or an org unit id.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Who".
 */
export interface Who {
  role: Role;
  org: string;
}
/**
 * 填写的表单及其版本。 The form filled in, and its version.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "FormRef".
 */
export interface FormRef {
  id: string;
  version: number;
}
/**
 * 办理期限，三选一：workingDays 开启后若干工作日；days 开启后若干自然日；date 当年固定日期（月-日，如 06-30，北京时间）。 Deadline, one of: working days after the task opens; calendar days after it opens; a fixed month-day of the workflow's year (Asia/Shanghai).
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Due".
 */
export interface Due {
  workingDays?: number;
  days?: number;
  date?: string;
}
/**
 * 到期前提醒：提前天数。 Reminder: days before the deadline.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Reminder".
 */
export interface Reminder {
  daysBefore: number;
}
/**
 * 逾期督办：逾期若干天后通知谁。 Escalation: days after the deadline, and who is told.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Escalation".
 */
export interface Escalation {
  daysAfter: number;
  to: Who;
}
/**
 * 审核：审核人填写审核表并作出结论（通过、退回修改、不予通过）。写了 eachLeadDeptOf 时，按该步骤提交内容涉及的每个牵头部门并行审核，任一部门退回即退回。 A review: the reviewer fills in a review form and decides. With eachLeadDeptOf, every lead department found in that step's submission reviews in parallel; any return sends it back.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "ReviewStep".
 */
export interface ReviewStep {
  type: 'review';
  id: StepId;
  title: Title;
  who: Who;
  form: FormRef;
  due: Due;
  reminder?: Reminder;
  escalation?: Escalation;
  eachLeadDeptOf?: StepId;
  /**
   * 并行审核同时进行的最多部门数。 How many departments review at the same time, at most.
   */
  maxParallel?: number;
  outcomes: Outcomes;
}
/**
 * 审核结论的去向：approve 通过后进入的步骤（默认下一步）；return 可退回修改的前序步骤（第一个为默认）；reject 不予通过时进入的结束步骤。 Where each decision leads: approve (default: the next step), return (earlier steps the reviewer may send back to; the first is the default), reject (an end step).
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Outcomes".
 */
export interface Outcomes {
  approve?: StepId;
  /**
   * @minItems 1
   * @maxItems 10
   */
  return?: StepId[];
  reject?: StepId;
}
/**
 * 系统处理：由系统自动完成的一步（如生成年度项目）。 A system step: work the system does by itself.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "SystemStep".
 */
export interface SystemStep {
  type: 'system';
  id: StepId;
  title: Title;
  /**
   * 系统功能名称，如 CreateProjects。 The system function, e.g. CreateProjects.
   */
  function: string;
  next?: StepId;
}
/**
 * 结束：流程在此结束，结果为 success（办结）或 rejected（不予通过）。 The end: the workflow finishes here, succeeded or rejected.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "EndStep".
 */
export interface EndStep {
  type: 'end';
  id: StepId;
  title: Title;
  result: 'success' | 'rejected';
}
