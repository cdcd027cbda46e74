/* Generated from workflows/workflow.schema.json by workflows/scripts/gen-types.ts. Do not edit. */

/**
 * 角色：city_office 市民生办，city_dept 市直牵头部门，county_office 县区民生办，project_unit 项目实施单位，supervisor 特邀监督员，inspector 人大政协视察，admin 系统管理员。
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Role".
 */
export type Role =
  'city_office' | 'city_dept' | 'county_office' | 'project_unit' | 'supervisor' | 'inspector' | 'admin';
/**
 * 一个步骤；type 为 task（填报）、review（审核）、notice（通知签收）、wait（等待）、system（系统处理）或 end（结束）。 One step; type is task, review, notice, wait, system or end.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Step".
 */
export type Step = TaskStep | ReviewStep | NoticeStep | WaitStep | SystemStep | EndStep;
/**
 * 步骤编号（字母和数字，小写字母开头），如 proposal。 Step id, e.g. proposal.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "StepId".
 */
export type StepId = string;

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
   * 这个流程的专用逻辑模块（kit），如 allocation；不写则只用平台的通用行为。 The kit holding this workflow's own logic (subject key, prefill, rule facts, lists, triggers), e.g. allocation; without one the workflow runs on the runtime's defaults.
   */
  kit?: string;
  /**
   * 在哪一级运行：county（每个县区各运行一份，默认）或 city（市级）。 Which stack runs it: county (each county runs its own, the default) or city.
   */
  stack?: 'county' | 'city';
  /**
   * 一个实例办理的对象：year（县区年度）、project（项目）、projectMonth（项目的某月）、notice（通知）、problem（问题）或 custom（由 kit 定义）。同一对象同一流程只会有一个进行中的实例。 What one instance is about: a county-year, a project, a project-month, a notice, a problem, or custom (the kit's key). Starting a workflow again for the same subject returns the instance that exists.
   */
  subject?: 'year' | 'project' | 'projectMonth' | 'notice' | 'problem' | 'custom';
  /**
   * 什么时候启动实例：手工（指定角色）、某个事件发生时、或按计划时间（北京时间 cron）。 What starts instances: a manual start by the roles named, an event, or a schedule (cron, Asia/Shanghai).
   *
   * @maxItems 10
   */
  triggers?: Trigger[];
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
 * 启动方式，三选一：manual 手工启动（roles 为可以启动的角色）；event 某个事件发生时（detailType，可按 workflow 与 status 筛选）；schedule 按 cron（北京时间，如每月 1 日 01:00 为 "0 1 1 * ? *"）。event 和 schedule 须写 each：由 kit 计算要启动哪些实例。 How instances start, one of: manual (the roles that may start it), event (a detail type, optionally filtered by workflow and status), schedule (an EventBridge cron in Asia/Shanghai). Event and schedule triggers name the kit's list of instances to start (each).
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Trigger".
 */
export interface Trigger {
  id?: string;
  manual?: {
    /**
     * @minItems 1
     * @maxItems 7
     */
    roles: Role[];
  };
  event?: {
    detailType: string;
    workflow?: string;
    status?: 'running' | 'completed' | 'rejected' | 'failed' | 'aborted' | 'timedOut';
  };
  schedule?: {
    cron: string;
  };
  each?: string;
}
/**
 * 填报：某人填写并提交一张表单；写了 each 时按名单中的每一项各填一份。 A task: someone fills in and submits a form; with each, one per item of the list.
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
  each?: FanOut;
}
/**
 * 由谁办理：角色加单位。单位写 county（本流程所属县区）、city（市民生办）、item（分发名单中的每一项对应的单位），或某个单位编号如 dept_jt。 Who acts: a role in an org: county (the workflow's county), city (the city office), item (the org of each item a step fans out over), or an org unit id.
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
 * 办理期限，四选一：workingDays 开启后若干工作日（按节假日安排，含调休）；days 开启后若干自然日；date 当年固定日期（月-日，如 06-30，北京时间当日结束）；subjectDate 办理对象自己的日期（如跨年项目自己的完工日期），对象没有该日期时按 fallback。 Deadline, one of: working days after the task opens (public holidays and make-up days counted); calendar days after it opens; a fixed month-day of the instance's year (end of that day, Asia/Shanghai); or a date the subject has (a cross-year project's own completion date), with a fallback when it has none.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Due".
 */
export interface Due {
  workingDays?: number;
  days?: number;
  date?: string;
  subjectDate?: string;
  fallback?: PlainDue;
}
/**
 * 对象没有该日期时的期限：workingDays、days 或 date 三选一。 The deadline when the subject has no such date: one of workingDays, days or date.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "PlainDue".
 */
export interface PlainDue {
  workingDays?: number;
  days?: number;
  date?: string;
}
/**
 * 到期前提醒：提前几个工作日（0 为到期当天），上午 9 点提醒办理人。 Reminder: how many working days before the deadline (0 = on the day), at 09:00, to the assignee.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Reminder".
 */
export interface Reminder {
  daysBefore: number;
}
/**
 * 逾期督办：逾期超过几个工作日后（0 为一逾期就）通知谁。 Escalation: after how many working days past the deadline (0 = as soon as it passes), and who is told.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "Escalation".
 */
export interface Escalation {
  daysAfter: number;
  to: Who;
}
/**
 * 分发：按 kit 给出的名单（list，如各牵头部门、各项目、各实施单位）每项开一个任务，并行办理。policy 为 anyReturn（默认：任一退回即整体退回）或 independent（各自决定，互不影响）。 Fan-out: one task per item of a list the kit computes (lead departments, projects, units), worked in parallel. Policy anyReturn (default: any return sends the work back) or independent (each decides for its own item).
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "FanOut".
 */
export interface FanOut {
  list: string;
  policy?: 'anyReturn' | 'independent';
  /**
   * 同时办理的最多任务数。 How many items are worked at the same time, at most.
   */
  maxParallel?: number;
}
/**
 * 审核：审核人填写审核表并作出结论（通过、退回修改、不予通过）。写了 each 时，按名单中的每一项并行审核。 A review: the reviewer fills in a review form and decides. With each, every item of the list reviews in parallel.
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
  outcomes: Outcomes;
  each?: FanOut;
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
 * 通知：系统生成一份通知（text，可用 {{名称}} 引用办理对象的信息），接收人须签收。 A notice: the system generates a notice document (text; {{name}} placeholders are filled from the subject's facts) that the recipient must acknowledge.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "NoticeStep".
 */
export interface NoticeStep {
  type: 'notice';
  id: StepId;
  title: Title;
  who: Who;
  text: NoticeText;
  due: Due;
  reminder?: Reminder;
  escalation?: Escalation;
  next?: StepId;
}
/**
 * 通知正文（中英文）。 The notice's text in Chinese and English.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "NoticeText".
 */
export interface NoticeText {
  zh: string;
  en: string;
}
/**
 * 等待：等到某个日期（until，写法同期限），或等到与办理对象有关的某个事件（event）到达，可设超时。 A wait: until a date (until, written like a deadline), or until an event about the subject arrives (event), optionally with a timeout.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "WaitStep".
 */
export interface WaitStep {
  type: 'wait';
  id: StepId;
  title: Title;
  until?: Due;
  event?: EventWait;
  next?: StepId;
}
/**
 * 等待的事件：事件类型（detailType），事件须指明本实例的办理对象；timeoutDays 天后仍未到达则转到 onTimeout 步骤。 The event awaited: its detail type (the event must name this instance's subject); after timeoutDays without it, go to the onTimeout step.
 *
 * This interface was referenced by `WorkflowDefinition`'s JSON-Schema
 * via the `definition` "EventWait".
 */
export interface EventWait {
  detailType: string;
  timeoutDays?: number;
  onTimeout?: StepId;
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
