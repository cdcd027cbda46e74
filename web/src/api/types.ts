/**
 * The shapes of the allocation API (issue 4) as the web app reads them. Fields the app does not need
 * are left open (`[k: string]: unknown`), so additive API changes never break the pages.
 */
import type { AuthConfig } from '../auth/pkce';
import type { Localized } from '../lib/format';
import type { OrgName } from '../lib/orgs';
import type { FieldError } from '../lib/pointer';

/** `GET /config.json` on the web origin. */
export interface AppConfig {
  cityApi: string;
  counties: Array<{ code: string; name: string; api: string }>;
  auth: AuthConfig;
  /** Org units with their names (city office, lead departments): shown instead of their ids. */
  orgs?: OrgName[];
}

/** `{code, message, errors?}` as every API error body. */
export interface ApiErrorBody {
  code: string;
  message: string;
  errors?: FieldError[];
}

/** `{items, nextToken}` as every list. */
export interface Page<T> {
  items: T[];
  nextToken?: string | null;
}

/** The signed-in user as the login answer and `GET /me` give it. */
export interface User {
  username?: string;
  name?: string;
  groups?: string[];
  roles?: string[];
  org?: string;
  county?: string;
  [k: string]: unknown;
}

/** An inbox row (`GET {cityApi}/tasks`). */
export interface TaskSummary {
  id: string;
  county: string;
  countyName?: string;
  year?: number;
  step: string;
  stepName?: Localized;
  title?: Localized;
  formId?: string;
  formVersion?: number | string;
  /** Who acts: the role and org unit (a lead department's id for its reviews). */
  assignee?: { role?: string; org?: string };
  leadDept?: string;
  dueAt?: string;
  status?: 'open' | 'done';
  createdAt?: string;
  completedAt?: string;
  [k: string]: unknown;
}

/** A pinned form version. */
export interface PinnedForm {
  id: string;
  version: number | string;
  title?: Localized;
  schema: Record<string, unknown>;
  uiSchema?: Record<string, unknown>;
}

/** One earlier round shown beside the current one. */
export interface PreviousRound {
  step?: string;
  title?: Localized;
  formId?: string;
  formVersion?: number;
  outcome?: string;
  data: unknown;
  at?: string;
  by?: { name?: string; org?: string } | string;
  [k: string]: unknown;
}

/** Who did something, as the API records it. */
export interface Actor {
  sub?: string;
  name?: string;
  org?: string;
}

/** A reviewer's return that a reopened task answers. */
export interface ReturnNote {
  step: string;
  org?: string;
  by?: Actor;
  at?: string;
  comment?: string;
  lines?: Array<{ projectCode: string; comment?: string }>;
}

/** `GET {countyApi}/tasks/{id}`. */
export interface TaskDetail extends TaskSummary {
  status: 'open' | 'done';
  form: PinnedForm;
  /** What the form shows: the draft, else the prefill (the submitted data once done). */
  data?: unknown;
  prefill?: unknown;
  draft?: { data?: unknown; savedAt?: string; updatedAt?: string; by?: Actor } | null;
  previous?: PreviousRound[] | Record<string, unknown>;
  previousRounds?: PreviousRound[] | Record<string, unknown>;
  allowedOutcomes?: string[];
  returnTargets?: string[];
  returns?: ReturnNote[];
  /** False when the caller may read but not act (another org's task). */
  canComplete?: boolean;
  submission?: {
    id?: string;
    data?: unknown;
    outcome?: string;
    comment?: string;
    by?: Actor | string;
    at?: string;
  };
}

/** A fund account of a project (one per source). */
export interface FundAccount {
  source: string;
  amount?: number;
  [k: string]: unknown;
}

/** `GET {countyApi}/projects/{id}` and the items of `GET {cityApi}/projects`. */
export interface Project {
  id: string;
  county: string;
  countyName?: string;
  year: number;
  code: string;
  name: string;
  category?: 'construction' | 'subsidy';
  leadDept?: string;
  lines?: unknown[];
  funds?: FundAccount[] | Record<string, number>;
  [k: string]: unknown;
}

/** One entry of `GET {countyApi}/projects/{id}/history`. */
export interface HistoryEntry {
  at: string;
  by?: { name?: string; org?: string } | string;
  action?: string;
  /** Which round: the allocation step and attempt. */
  round?: { year?: number; step?: string; formId?: string; attempt?: number } | string;
  summary?: Localized;
  /** The project's line as that step left it. */
  values?: unknown;
  [k: string]: unknown;
}

/** `GET {cityApi}/allocation-rounds/{year}`. */
export interface RoundProgress {
  year: number;
  counties: Array<{
    county: string;
    countyName?: string;
    status?: 'pending' | 'running' | 'completed' | 'failed' | string;
    /** Steps open now (several while lead departments review in parallel). */
    openSteps?: string[];
    lastStep?: string;
    /** When the county's step last changed. */
    lastChange?: string;
    updatedAt?: string;
    [k: string]: unknown;
  }>;
  summary?: { total: number; completed: number; running: number; pending: number };
  [k: string]: unknown;
}
