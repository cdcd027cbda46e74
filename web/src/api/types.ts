/**
 * The API's shapes as the web app reads them: the one declaration in contracts/ (and a kit's own in
 * its folder), not guessed here. Only what the web serves itself (`/config.json`) is declared here.
 */
import type { AuthConfig } from '../auth/pkce';
import type { OrgName } from '../lib/orgs';

export type {
  Actor,
  ApiErrorBody,
  HistoryEntry,
  InboxItem as TaskSummary,
  InstanceView,
  NotificationPage,
  NotificationView,
  Page,
  PinnedForm,
  PreviousSubmission,
  ProjectView as Project,
  ReturnNote,
  TaskView as TaskDetail,
} from '../../../contracts/api';
export type { ProjectSummary } from '../../../contracts/domain';
export type { RoundCounty, RoundView as RoundProgress } from '../../../functions/kits/allocation/contracts';

/** `GET /config.json` on the web origin. */
export interface AppConfig {
  cityApi: string;
  counties: Array<{ code: string; name: string; api: string }>;
  auth: AuthConfig;
  /** Org units with their names (city office, lead departments): shown instead of their ids. */
  orgs?: OrgName[];
}

/**
 * The signed-in user as the session keeps it: the login answer (`GET /me` has the same fields)
 * completed from the token's claims.
 */
export interface User {
  username?: string;
  name?: string;
  groups?: string[];
  roles?: string[];
  org?: string;
  county?: string;
  [k: string]: unknown;
}

/** A fund account of a project, one per source. */
export interface FundAccount {
  source: string;
  /** The planned amount (万元). */
  amount: number;
  received?: number;
  disbursed?: number;
}
