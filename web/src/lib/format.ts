/** Display helpers shared by the pages: dates in Asia/Shanghai, money in 万元, localized titles. */

/** A title the API gives as a string or as `{zh, en}`. */
export type Localized = string | { zh?: string; en?: string } | undefined | null;

export function localized(v: Localized, lang: 'zh' | 'en'): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return (lang === 'en' ? (v.en ?? v.zh) : (v.zh ?? v.en)) ?? '';
}

/** Is a due date in the past (and the task still open)? */
export function isOverdue(
  dueAt: string | undefined | null,
  now: Date = new Date(),
  status = 'open',
): boolean {
  if (!dueAt || status !== 'open') return false;
  const t = Date.parse(dueAt);
  return Number.isFinite(t) && t < now.getTime();
}

const SH = 'Asia/Shanghai';

const DAY: Intl.DateTimeFormatOptions = { timeZone: SH, year: 'numeric', month: '2-digit', day: '2-digit' };

/** An ISO time in Shanghai time (sv-SE writes ISO-like `2027-03-31 14:05`); unparsable text as is. */
function formatIn(iso: string | undefined | null, options: Intl.DateTimeFormatOptions): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat('sv-SE', options).format(d);
}

/** `2027-03-31` in Shanghai time. */
export function formatDate(iso: string | undefined | null): string {
  return formatIn(iso, DAY);
}

/** `2027-03-31 14:05` in Shanghai time. */
export function formatDateTime(iso: string | undefined | null): string {
  return formatIn(iso, { ...DAY, hour: '2-digit', minute: '2-digit', hour12: false });
}

/** Amounts with thousands separators and up to 2 decimals. */
export function formatAmount(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n === undefined || n === null ? '' : String(n);
  return n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}
