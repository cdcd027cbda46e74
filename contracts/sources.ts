/**
 * Event sources. Every Minsheng event goes to the city's bus; its `source` names the stack that
 * published it, so a consumer trusts the publishing stack (IAM lets a county's functions publish only
 * with their own source), never a county named inside the event.
 */

/** Events the city stack publishes. */
export const CITY_SOURCE = 'minsheng.city';
/** Prefix of every county stack's source: `minsheng.county.<code>`. */
export const COUNTY_SOURCE_PREFIX = 'minsheng.county.';
/** Step Functions' own events (Execution Status Change). */
export const STATES_SOURCE = 'aws.states';
/** The detail type of Step Functions' execution status events. */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/** The source a stack publishes with: `minsheng.city` or `minsheng.county.<code>`. */
export function sourceOf(stack: string): string {
  return stack === 'city' ? CITY_SOURCE : `${COUNTY_SOURCE_PREFIX}${stack}`;
}

/** The county a source belongs to, or undefined for the city and anything else. */
export function countyOfSource(source: string): string | undefined {
  return source.startsWith(COUNTY_SOURCE_PREFIX) ? source.slice(COUNTY_SOURCE_PREFIX.length) : undefined;
}

/** The stack a source belongs to (`city` or a county code), or undefined when it is not Minsheng's. */
export function stackOfSource(source: string): string | undefined {
  if (source === CITY_SOURCE) return 'city';
  return countyOfSource(source);
}
