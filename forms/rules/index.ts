/** The registry of named domain rules a form definition may list in `rules`. */
import { catalogueLines } from './catalogueLines';
import { constructionDueNov30 } from './constructionDueNov30';
import { datesInYear } from './datesInYear';
import { matchingFundsShare } from './matchingFundsShare';
import { planWithinControl } from './planWithinControl';
import { returnNeedsComment } from './returnNeedsComment';
import { scheduleConsistent } from './scheduleConsistent';
import type { FormRule } from './types';
import { uniqueProjectCodes } from './uniqueProjectCodes';

export type { CatalogueProject, FormRule, RuleContext, RuleNeed } from './types';

const ALL: readonly FormRule[] = [
  uniqueProjectCodes,
  catalogueLines,
  returnNeedsComment,
  planWithinControl,
  matchingFundsShare,
  datesInYear,
  constructionDueNov30,
  scheduleConsistent,
];

/** Every rule by name. */
export const RULES: ReadonlyMap<string, FormRule> = new Map(ALL.map((r) => [r.name, r]));

/** The rule called `name`, or undefined. */
export function getRule(name: string): FormRule | undefined {
  return RULES.get(name);
}

/** Name and description of every rule, for the admin editor. */
export function listRules(): {
  name: string;
  description: FormRule['description'];
  needs: FormRule['needs'];
}[] {
  return ALL.map(({ name, description, needs }) => ({ name, description, needs }));
}
