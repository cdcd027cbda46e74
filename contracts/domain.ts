/**
 * Domain shapes every layer shares: the year's project catalogue and a county's projects with their
 * fund accounts per source (分账核算).
 */

/** Fund sources, in the order bulletins list them: central, provincial, city, county. */
export const FUND_SOURCES = ['central', 'provincial', 'city', 'county'] as const;
export type FundSource = (typeof FUND_SOURCES)[number];

/** Amounts per source, in 万元 with two decimals. */
export type FundAccounts = Record<FundSource, number>;

/** Project categories (every project is in one). */
export const PROJECT_CATEGORIES = ['construction', 'subsidy'] as const;
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number];

/** A project line of the year's catalogue (项目清单). */
export interface CatalogueProject {
  code: string;
  name: string;
  /** The city department that leads it (an org unit id, e.g. `dept_yb`). */
  leadDept: string;
  category: ProjectCategory;
  unit?: string;
}

/** A county × project of a year, as lists show it. */
export interface ProjectSummary {
  id: string;
  county: string;
  countyName?: string;
  year: number;
  code: string;
  name: string;
  category: ProjectCategory;
  leadDept: string;
  unit?: string;
  quantity?: number;
  funds: FundAccounts;
  total: number;
  status: string;
  version: number;
  updatedAt: string;
}
