/**
 * Timestamps as the Amazon States Language requires them: the RFC 3339 profile of ISO 8601 with an
 * uppercase `T` between date and time and an uppercase `Z` when no numeric offset is given
 * (`2016-08-18T17:33:00Z`, `2016-08-18T17:33:00.5+08:00`). Lowercase `t`/`z`, a space separator, a
 * missing zone or seconds are not timestamps.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Epoch milliseconds (with sub-millisecond fraction) of an RFC 3339 timestamp, or undefined if invalid. */
export function parseTimestamp(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 60) return undefined;
  let offset = 0;
  const z = m[8];
  if (z !== 'Z') {
    const oh = Number(z.slice(1, 3));
    const om = Number(z.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = (z[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const frac = m[7] ? Number(`0${m[7]}`) * 1000 : 0;
  return Date.UTC(y, mo - 1, d, h, mi, Math.min(sec, 59)) - offset * 60_000 + frac;
}

/** Whether a string is an RFC 3339 timestamp. */
export function isTimestamp(s: string): boolean {
  return parseTimestamp(s) !== undefined;
}
