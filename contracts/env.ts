/**
 * Names of the environment variables a function reads (functions/core/config.ts parses them once at
 * cold start). CDK sets them through the constructs' bind methods; the twin sets the same names.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  /** The city table, read by county functions for the definition catalogue. */
  cityTableName: 'CITY_TABLE_NAME',
  stackKind: 'STACK_KIND',
  countyCode: 'COUNTY_CODE',
  countyName: 'COUNTY_NAME',
  cityCode: 'CITY_CODE',
  eventBusName: 'EVENT_BUS_NAME',
  /** JSON object: workflow id -> state machine ARN (the alias that starts new instances, when there is one). */
  stateMachineArns: 'STATE_MACHINE_ARNS',
  maxBodyBytes: 'MAX_BODY_BYTES',
  localIdentityUrl: 'LOCAL_IDENTITY_URL',
  /** Test-only fault injection point; never set in a deployment. */
  fault: 'MINSHENG_FAULT',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
