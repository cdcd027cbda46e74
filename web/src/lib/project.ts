/** Pure helpers of the project page: fund accounts in one shape, history newest first. */
import type { FundAccount, HistoryEntry, Project } from '../api/types';

export const SOURCES = ['central', 'provincial', 'city', 'county'] as const;

/** Fund accounts as `[{source, amount}]` in policy order, whether the API sends a list or a map. */
export function fundsOf(p: Pick<Project, 'funds'> & Record<string, unknown>): FundAccount[] {
  // `accounts` (per source: planned / received / disbursed) is richer than the list's `funds` (planned only).
  const raw = p.accounts ?? p.funds ?? p.fundAccounts;
  let list: FundAccount[] = [];
  if (Array.isArray(raw)) {
    list = raw.map((a) => {
      const r = a as Record<string, unknown>;
      const amount = [r.amount, r.approved, r.planned, r.budget].find((x) => typeof x === 'number') as
        | number
        | undefined;
      return { ...r, source: String(r.source ?? r.id ?? ''), amount };
    });
  } else if (raw && typeof raw === 'object') {
    list = Object.entries(raw as Record<string, unknown>).map(([source, v]) => {
      if (typeof v === 'number') return { source, amount: v };
      const r = (v ?? {}) as Record<string, unknown>;
      const amount = [r.amount, r.planned, r.approved].find((x) => typeof x === 'number') as
        | number
        | undefined;
      return { ...r, source, amount };
    });
  }
  const rank = (s: string) => {
    const i = (SOURCES as readonly string[]).indexOf(s);
    return i < 0 ? SOURCES.length : i;
  };
  return list.sort((a, b) => rank(a.source) - rank(b.source));
}

/** The sum of the accounts (in hundredths, so 0.1 + 0.2 prints as 0.3). */
export function fundsTotal(funds: ReadonlyArray<FundAccount>): number {
  return funds.reduce((s, f) => s + Math.round((f.amount ?? 0) * 100), 0) / 100;
}

/** History entries newest first, whatever order the API returns. */
export function sortHistory(items: ReadonlyArray<HistoryEntry>): HistoryEntry[] {
  return [...items].sort((a, b) => String(b.at ?? '').localeCompare(String(a.at ?? '')));
}
