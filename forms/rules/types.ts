import type { FormSettings } from '../settings';
import type { FieldError, JsonSchema, LocalizedText } from '../types';

/** A project of the year's catalogue, as in the allocation execution input. */
export interface CatalogueProject {
  code: string;
  name?: string;
  leadDept: string;
  category: 'construction' | 'subsidy';
}

/** A fact a rule needs beyond the submission, and what to call it when it is missing. */
export interface RuleNeed {
  fact: string;
  label: string;
}

/**
 * What the rules see: the facts the task's workflow supplies (the same object on the server and in
 * the browser; a kit decides what it holds) and the settings resolved.
 */
export interface RuleContext {
  /** Facts by name: `year` (fiscal year) always; others as the workflow's kit supplies them. */
  facts: Readonly<Record<string, unknown>>;
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
  /** Facts the rule cannot work without; validateSubmission reports `rule.contextMissing` if absent. */
  needs: readonly RuleNeed[];
  check(data: unknown, ctx: RuleContext): FieldError[];
}
