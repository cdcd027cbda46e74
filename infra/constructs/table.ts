import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENV } from '../../contracts/env';
import { TABLE_DEFINITION } from '../../functions/core/table';
import type { MinshengFunction } from './function';

/** Properties of {@link MinshengTable}. */
export interface MinshengTableProps {
  /**
   * What happens to the table when it leaves the stack. Domain records (allocations, decisions,
   * audit history) must outlive any stack mistake.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * CloudFormation deletion protection, a second guard beside the removal policy.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** How a function may use the table. */
export type TableAccess = 'read' | 'readWrite';

/**
 * The single table of one stack, shaped by `functions/core/table.ts` (the module the handlers and the
 * local twin read too): on-demand billing, point-in-time recovery, the GSIs, the TTL attribute.
 *
 * The construct id of the inner table is part of its logical id; test/infra guards it because a
 * changed logical id makes CloudFormation replace the table.
 */
export class MinshengTable extends Construct {
  /** The environment variable {@link bind} sets. */
  static readonly ENV_TABLE_NAME = ENV.tableName;
  /** The environment variable {@link bindCatalogueReader} sets. */
  static readonly ENV_CITY_TABLE_NAME = ENV.cityTableName;

  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: MinshengTableProps = {}) {
    super(scope, id);
    const def = TABLE_DEFINITION;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: def.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: def.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed key: encryption use shows up in CloudTrail, with no key policy to maintain.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: def.ttlAttribute,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const index of def.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * Grants `fn` read or read/write access to the table and its indexes and sets `TABLE_NAME`.
   * Returns the grant so callers can add dependencies on it.
   */
  bind(fn: MinshengFunction, access: TableAccess) {
    fn.addEnvironment(MinshengTable.ENV_TABLE_NAME, this.table.tableName);
    const grant =
      access === 'read' ? this.table.grantReadData(fn.function) : this.table.grantReadWriteData(fn.function);
    fn.acknowledge(
      'AwsSolutions-IAM5',
      "`<table arn>/index/*` covers the GSIs (gsi1, gsi2) of this stack's own table, which the single-table access patterns query; no other table is reachable.",
      [{ regex: '/^Resource::<.*Table[0-9A-F]+\\.Arn>\\/index\\/\\*$/g' }],
    );
    return grant;
  }

  /**
   * Lets `fn` (of this stack or a county stack) read the definition catalogue this table holds, and
   * only it: GetItem and Query on items whose partition key starts with `DEF#`, and sets
   * CITY_TABLE_NAME.
   */
  bindCatalogueReader(fn: MinshengFunction): void {
    fn.addEnvironment(MinshengTable.ENV_CITY_TABLE_NAME, this.table.tableName);
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DEF#*'] } },
      }),
    );
  }
}
