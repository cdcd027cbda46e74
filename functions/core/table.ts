/**
 * The single-table definition shared by CDK (infra/) and the local twin (local/).
 * Every county stack and the city stack own one table of this shape. Key templates for each
 * entity live in `keys.ts`; this file only fixes attribute names and indexes so that infra and the
 * twin cannot drift apart. Changing a name here replaces tables in AWS: test/infra guards it.
 */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Global secondary indexes; all project every attribute. */
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Epoch-seconds attribute DynamoDB TTL deletes by (idempotency records, sessions). */
  ttlAttribute: 'ttl',
} as const;

export type IndexName = (typeof TABLE_DEFINITION.indexes)[number]['name'];
