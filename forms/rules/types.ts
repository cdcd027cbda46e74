import type { FormSettings } from '../settings';
import type { FieldError, JsonSchema, LocalizedText } from '../types';

/** A project of the year's catalogue, as in the allocation execution input. */
export interface CatalogueProject {
  code: string;
  name?: string;
  leadDept: string;
  category: 'construction' | 'subsidy';
}

/** Facts a rule may need beyond the submission itself. */
export type RuleNeed = 'year' | 'control' | 'projects';

/** What the rules see: the caller's context with settings resolved. */
export interface RuleContext {
  /** Fiscal year (calendar year, Asia/Shanghai dates). */
  year?: number;
  /** The 一下 control-figure submission (alloc-control data) the 二上 plan is checked against. */
  control?: unknown;
  /** The year's project catalogue. */
  projects?: readonly CatalogueProject[];
  settings: FormSettings;
  /** The schema of the form being validated (rules that look for `format: date` fields read it). */
  schema: JsonSchema;
}

/**
 * A named cross-field rule, run after the schema passed. `check` returns problems with Chinese
 * messages and JSON pointers into the data; it must not modify the data.
 */
export interface FormRule {
  name: string;
  description: LocalizedText;
  /** Context facts the rule cannot work without; validateSubmission reports `rule.contextMissing` if absent. */
  needs: readonly RuleNeed[];
  check(data: unknown, ctx: RuleContext): FieldError[];
}
