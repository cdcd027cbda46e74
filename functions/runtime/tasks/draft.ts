/** PUT /tasks/{id}/draft: keeps unfinished data on the open task, private to its assignee's org. */
import type { DraftSaved } from '../../../contracts/api';
import { actorOf, auditPut } from '../../core/audit';
import { canCompleteTask, type Principal } from '../../core/auth';
import { transact } from '../../core/db';
import { Forbidden, TaskAlreadyCompleted } from '../../core/errors';
import { keys } from '../../core/keys';
import type { Runtime } from '../context';
import { TaskCancelled } from './deliver';
import { readableTask } from './view';

export async function saveDraft(rt: Runtime, p: Principal, id: string, data: unknown): Promise<DraftSaved> {
  const task = await readableTask(rt, p, id);
  if (!canCompleteTask(p, task)) throw new Forbidden('只有任务承办人可以保存草稿');
  if (task.status === 'cancelled') throw new TaskCancelled();
  if (task.status !== 'open') throw new TaskAlreadyCompleted();
  const now = rt.now();
  const at = now.toISOString();
  await transact(
    rt.db,
    [
      {
        Update: {
          TableName: rt.table,
          Key: keys.task(id),
          UpdateExpression: 'SET #draft = :draft',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#draft': 'draft', '#status': 'status' },
          ExpressionAttributeValues: { ':draft': { data, savedAt: at, by: actorOf(p) }, ':open': 'open' },
        },
      },
      auditPut(
        rt.table,
        keys.taskPartition(id),
        {
          at,
          action: 'task.draftSaved',
          by: actorOf(p),
          round: { year: task.year, step: task.step, attempt: task.taskAttempt },
          summary: '保存草稿',
        },
        now,
      ),
    ],
    () => new TaskAlreadyCompleted(),
  );
  return { id, savedAt: at };
}
