import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import {
  GLOBAL_INDEXES,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from '../../functions/commons/store/table/table-definition.ts';

export interface MetadataTableProps {
  /** RETAIN unless the operator asked for `tableRemovalPolicy=destroy`. */
  readonly removalPolicy: RemovalPolicy.RETAIN | RemovalPolicy.DESTROY;
}

/**
 * The single table, built from the same definition local mode uses (table-definition.ts): keys and
 * indexes follow those constants, so a new index there appears here without a change.
 */
export class MetadataTable extends TableV2 {
  constructor(scope: Construct, id: string, props: MetadataTableProps) {
    const retained = props.removalPolicy === RemovalPolicy.RETAIN;
    super(scope, id, {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      globalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      // Traffic is spiky (hourly sync bursts) and small: on-demand costs nothing while idle.
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Raw events and sync runs carry `expires_at`; reads also check it, since TTL deletes lazily.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: props.removalPolicy,
      // A retained table is the product's data: protect it from a stray console or CLI delete too.
      deletionProtection: retained,
    });
  }
}
