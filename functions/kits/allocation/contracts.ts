/** The allocation kit's API shapes (`/allocation-rounds`), as its handlers answer and the web app reads. */
import type { CatalogueProject } from '../../../contracts/domain';
import type { InstanceStatus } from '../../../contracts/events';

/** One county's progress in a round. */
export interface RoundCounty {
  county: string;
  countyName?: string;
  status: InstanceStatus | 'pending';
  /** Steps open now (several while lead departments review in parallel). */
  openSteps: string[];
  /** The same, with the time each has been open since. */
  steps: { step: string; since: string }[];
  startedAt?: string;
  finishedAt?: string;
  /** Why it ended, when it did not succeed. */
  reason?: string;
  projectCount?: number;
}

/** `GET /allocation-rounds/{year}`. */
export interface RoundView {
  year: number;
  roundId: string;
  status: 'open';
  openedAt: string;
  openedBy: string;
  projectCount: number;
  projects: CatalogueProject[];
  counties: RoundCounty[];
  summary: { total: number; completed: number; running: number; pending: number };
}
