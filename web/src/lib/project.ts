/** Pure helpers of the project page: fund accounts in one shape, history newest first. */
import { FUND_SOURCES, type FundAccounts } from '../../../contracts/domain';
import type { FundAccount, HistoryEntry, Project, ProjectSummary } from '../api/types';

export const SOURCES = FUND_SOURCES;

/**
 * Fund accounts as `[{source, amount, received?, disbursed?}]` in policy order: a project's
 * `accounts` (planned / received / disbursed per source), or a list entry's `funds` (planned only).
 */
export function fundsOf(p: Pick<Project, 'accounts'> | Pick<ProjectSummary, 'funds'>): FundAccount[] {
  if ('accounts' in p && p.accounts) {
    return FUND_SOURCES.map((source) => ({
      source,
      amount: p.accounts[source]?.planned ?? 0,
      received: p.accounts[source]?.received ?? 0,
      disbursed: p.accounts[source]?.disbursed ?? 0,
    }));
  }
  const funds = ('funds' in p ? p.funds : undefined) ?? ({} as Partial<FundAccounts>);
  return FUND_SOURCES.map((source) => ({ source, amount: funds[source] ?? 0 }));
}

/** The sum of the accounts (in hundredths, so 0.1 + 0.2 prints as 0.3). */
export function fundsTotal(funds: ReadonlyArray<FundAccount>): number {
  return funds.reduce((s, f) => s + Math.round((f.amount ?? 0) * 100), 0) / 100;
}

/** History entries newest first, whatever order the API returns. */
export function sortHistory(items: ReadonlyArray<HistoryEntry>): HistoryEntry[] {
  return [...items].sort((a, b) => String(b.at ?? '').localeCompare(String(a.at ?? '')));
}
