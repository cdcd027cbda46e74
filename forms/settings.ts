/**
 * Policy values used by the form rules. Each is a setting with the value of the Hefei measures as its
 * default (DESIGN.md §2: "every deadline and threshold is a setting"); callers pass overrides in the
 * validation context, e.g. from the admin settings record.
 */
export interface FormSettings {
  /**
   * Required share of the planned city and county funds that the matching-fund commitment must cover.
   * 1 = in full (足额), as the measures require of city and county matching funds.
   */
  matchingFundsShare: number;
  /** Per-project overrides of `matchingFundsShare`, keyed by project code. */
  matchingFundsShareByProject: Record<string, number>;
  /** Month and day (MM-DD) by which construction lines due this year must be complete. */
  constructionDueDate: string;
  /** How many years after the fiscal year a cross-year line's deadline may lie. */
  crossYearMaxYears: number;
}

/** Defaults from the policy: matching funds in full, construction complete by November 30. */
export const DEFAULT_FORM_SETTINGS: Readonly<FormSettings> = Object.freeze({
  matchingFundsShare: 1,
  matchingFundsShareByProject: Object.freeze({}) as Record<string, number>,
  constructionDueDate: '11-30',
  crossYearMaxYears: 3,
});

/** Thrown for a setting that cannot be right; a misconfiguration must not pass silently as a lax check. */
export class InvalidFormSettingError extends Error {
  override readonly name = 'InvalidFormSetting';
  readonly code = 'InvalidFormSetting';
}

/** Defaults overlaid with `overrides`, checked. */
export function resolveSettings(overrides?: Partial<FormSettings>): FormSettings {
  const s: FormSettings = { ...DEFAULT_FORM_SETTINGS, ...(overrides ?? {}) };
  const shares = [s.matchingFundsShare, ...Object.values(s.matchingFundsShareByProject)];
  if (shares.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 10)) {
    throw new InvalidFormSettingError('matchingFundsShare must be a number between 0 and 10');
  }
  if (!/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(s.constructionDueDate)) {
    throw new InvalidFormSettingError('constructionDueDate must be MM-DD');
  }
  if (!Number.isInteger(s.crossYearMaxYears) || s.crossYearMaxYears < 1 || s.crossYearMaxYears > 20) {
    throw new InvalidFormSettingError('crossYearMaxYears must be an integer between 1 and 20');
  }
  return s;
}
