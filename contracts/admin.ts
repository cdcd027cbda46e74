/**
 * The admin API (city API, role `admin` only): the catalogue of form and workflow definitions, their
 * validation, publication, rollout to the stacks and the live version. Handlers build these shapes;
 * the designers in the web app read them.
 */
import type { Actor } from './api';
import type { Title } from './steps';

/** The two kinds of definition the catalogue holds. */
export type DefinitionKind = 'workflow' | 'form';

/** `GET /admin/workflows` and `GET /admin/forms`: one entry per definition id. */
export interface CatalogueEntry {
  id: string;
  title: Title;
  /** The version new instances (workflows) or new tasks' default pins (forms) use. */
  liveVersion: number;
  /** The highest published version (≥ liveVersion after a roll-back). */
  latestVersion: number;
}

export interface CatalogueList {
  items: CatalogueEntry[];
}

/** The rollout of one workflow version to one stack. */
export interface RolloutEntry {
  /** County code, or `city` for a city workflow. */
  county: string;
  status: 'pending' | 'live' | 'failed';
  stateMachineVersionArn?: string;
  /** Why it failed, when it did (Chinese). */
  error?: string;
  updatedAt?: string;
}

/** What every published version records. */
export interface PublishedVersion {
  /** The definition as published (its `version` field is the catalogue's). */
  definition: Record<string, unknown>;
  /** SHA-256 of the canonical JSON of the definition, hex. */
  hash: string;
  publishedAt: string;
  publishedBy: Actor;
  note: string;
}

/** `GET /admin/workflows/{id}/versions/{version}`. */
export interface WorkflowVersionView extends PublishedVersion {
  /** The compiled Amazon States Language, as rolled out. */
  asl: string;
  rollout: RolloutEntry[];
  /** Running instances started on this version (for the designer's counts). */
  running?: number;
}

/** `GET /admin/forms/{id}/versions/{version}`. */
export interface FormVersionView extends PublishedVersion {}

/** One problem of a definition, pointing at the field it concerns. */
export interface DefinitionProblem {
  /** JSON Pointer into the definition. */
  pointer: string;
  /** Chinese message for the administrator. */
  message: string;
  /** Stable code for programs, when the validator has one. */
  code?: string;
}

/** `POST /admin/{workflows|forms}/{id}/validate` body. */
export interface ValidateRequest {
  definition: unknown;
}

/** `POST /admin/{workflows|forms}/{id}/validate` answer (200; empty when valid). */
export interface ValidateAnswer {
  errors: DefinitionProblem[];
}

/** `POST /admin/{workflows|forms}/{id}/versions` body. */
export interface PublishRequest {
  definition: unknown;
  note: string;
  /** Forms only: publish a change that breaks submissions of the live version… */
  breaking?: boolean;
  /** …naming the workflows that move to it. */
  workflows?: string[];
}

/** `POST /admin/{workflows|forms}/{id}/versions` answer (201). */
export interface PublishAnswer {
  version: number;
  hash: string;
}

/** `POST /admin/workflows/{id}/live` body: roll forward or back. */
export interface SetLiveRequest {
  version: number;
}

/** One change between two versions, for the designers' diff view. */
export interface DiffEntry {
  op: 'add' | 'remove' | 'replace';
  /** JSON Pointer of the changed value. */
  pointer: string;
  before?: unknown;
  after?: unknown;
}

/** `GET /admin/{workflows|forms}/{id}/diff?from=&to=`. */
export interface DiffAnswer {
  from: number;
  to: number;
  changes: DiffEntry[];
}

/** One audited catalogue action. */
export interface CatalogueAuditEntry {
  kind: DefinitionKind;
  id: string;
  action: 'publish' | 'live';
  version: number;
  /** The live version before a `live` action. */
  previousVersion?: number;
  at: string;
  by: Actor;
  note: string;
  changes: DiffEntry[];
}
