/** Small helpers shared by the rules. Rules read data defensively: an administrator may attach a rule to a form of another shape. */

export type Line = Record<string, unknown>;

export const SOURCES = ['central', 'provincial', 'city', 'county'] as const;
export const SOURCE_LABELS: Record<(typeof SOURCES)[number], string> = {
  central: '中央',
  provincial: '省级',
  city: '市级',
  county: '县级',
};

/** The `lines` array of a submission, or [] when there is none. */
export function linesOf(data: unknown): Line[] {
  const lines = (data as { lines?: unknown } | null)?.lines;
  return Array.isArray(lines) ? lines.filter((l): l is Line => typeof l === 'object' && l !== null) : [];
}

/** An amount in 万元 as an integer number of hundredths, so comparisons are exact at the stored precision. */
export function cents(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 100) : 0;
}

/** Formats hundredths of 万元 back to a display string. */
export function wan(c: number): string {
  return (c / 100).toFixed(2);
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** How a line is named in a message: 第N行（MS01 城乡居民基本医疗保险）. */
export function lineName(line: Line, index: number): string {
  const code = str(line.projectCode);
  const name = str(line.projectName);
  const who = [code, name].filter(Boolean).join(' ');
  return who ? `第${index + 1}行（${who}）` : `第${index + 1}行`;
}

/** Parses YYYY-MM-DD into its parts, or undefined. */
export function ymd(value: unknown): { y: number; m: number; d: number } | undefined {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : undefined;
}
