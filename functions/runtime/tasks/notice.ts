/** Notices: the text a notice step generates, and the notification that tells its recipient. */
import type { NotificationSummary } from '../../../contracts/events';
import type { Title } from '../../../contracts/steps';
import type { Task } from './model';

/** Fills `{{name}}` placeholders from `facts`; an unknown name stays visible as `{{name}}`. */
export function fillNotice(text: Title, facts: Record<string, string | number>): Title {
  const fill = (s: string) =>
    s.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/g, (whole, name: string) =>
      facts[name] === undefined ? whole : String(facts[name]),
    );
  return { zh: fill(text.zh), en: fill(text.en) };
}

/** The notification a notice raises for its recipient when it opens. */
export function noticeNotification(task: Task): NotificationSummary {
  return {
    id: `${task.id}-notice`,
    kind: 'notice',
    county: task.county,
    recipient: task.assignee,
    taskId: task.id,
    workflowId: task.workflowId,
    step: task.step,
    title: task.title,
    dueAt: task.dueAt,
    at: task.openedAt,
    version: 1,
  };
}
