/** An EventBridge event as a rule delivers it to a Lambda target. */
export interface BusEvent<T = Record<string, unknown>> {
  id?: string;
  'detail-type': string;
  source: string;
  time?: string;
  account?: string;
  region?: string;
  resources?: string[];
  detail: T;
}
