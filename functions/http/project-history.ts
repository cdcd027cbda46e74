/** GET /projects/{id}/history (county API): every change of the project: who, when, what, which step. */
import { dynamo } from '../core/clients';
import { getProject, projectAudit } from '../core/project';
import { runtime } from '../edge/runtime';
import { httpHandler, pathParam } from './middleware';

export const handler = httpHandler(
  { needs: { table: true }, countyGate: true, clients: (cfg) => ({ db: dynamo(cfg) }) },
  async (req) => {
    const rt = runtime(req.ctx);
    const project = await getProject(rt, req.principal, pathParam(req, 'id', 64));
    // The project's own trail, and what each kit knows of it (the rounds that created it, ...).
    const parts = await Promise.all([
      projectAudit(rt, project),
      ...[...rt.kits.values()].map((k) => k.projectHistory?.(rt, project) ?? Promise.resolve([])),
    ]);
    const items = parts.flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return { body: { items } };
  },
);
