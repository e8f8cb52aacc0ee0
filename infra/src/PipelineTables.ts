import type { ResourceNames } from '@storeflow/aws';
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** Index names the adapters query by default (LineageRepository, KpiRepository). */
export const TableIndex = {
  PROCESSED_FILES_BY_STATUS: 'status-index',
  CATEGORY_KPIS_BY_DATE: 'order_date-index',
} as const;

/**
 * The six tables, with exactly the keys and indexes bootstrapResources creates
 * (packages/aws/src/bootstrapResources.ts): every attribute is a string, billing is on demand.
 * On AWS they also get point-in-time recovery and deletion protection, and outlive the stack.
 *
 * None has a TTL: lineage, references, KPIs and the quality history are the pipeline's record and
 * never expire, and the lease timestamps in them are fencing values in milliseconds, not expiry times.
 */
export class PipelineTables extends Construct {
  readonly processedFiles: Table;
  readonly categoryKpis: Table;
  readonly orderKpis: Table;
  readonly references: Table;
  readonly kpiDates: Table;
  readonly quality: Table;

  constructor(scope: Construct, id: string, names: ResourceNames) {
    super(scope, id);
    this.processedFiles = this.#table(
      'ProcessedFiles',
      names.processedFilesTable,
      'file_key',
      'object_version',
    );
    // Operators list files by status (`status --status FAILED`, `reprocess --status FAILED`).
    this.processedFiles.addGlobalSecondaryIndex({
      indexName: TableIndex.PROCESSED_FILES_BY_STATUS,
      partitionKey: { name: 'status', type: AttributeType.STRING },
      sortKey: { name: 'updated_at', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.categoryKpis = this.#table('CategoryKpis', names.categoryKpisTable, 'category', 'order_date');
    // A date's recompute must find every category row of that date, including ones to delete.
    this.categoryKpis.addGlobalSecondaryIndex({
      indexName: TableIndex.CATEGORY_KPIS_BY_DATE,
      partitionKey: { name: 'order_date', type: AttributeType.STRING },
      sortKey: { name: 'category', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.orderKpis = this.#table('OrderKpis', names.orderKpisTable, 'order_date');
    this.references = this.#table('References', names.referenceTable, 'ref_key');
    this.kpiDates = this.#table('KpiDates', names.kpiDatesTable, 'order_date');
    // One partition per kind of quality history (`pk`), ordered inside it by a date or event time.
    this.quality = this.#table('Quality', names.qualityTable, 'pk', 'sk');
  }

  get all(): Table[] {
    return [
      this.processedFiles,
      this.categoryKpis,
      this.orderKpis,
      this.references,
      this.kpiDates,
      this.quality,
    ];
  }

  #table(id: string, tableName: string, partitionKey: string, sortKey?: string): Table {
    return new Table(this, id, {
      tableName,
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      ...(sortKey === undefined ? {} : { sortKey: { name: sortKey, type: AttributeType.STRING } }),
      billingMode: BillingMode.PAY_PER_REQUEST,
      // Encrypted at rest with a DynamoDB-owned key: no KMS requests to pay for or to permit.
      encryption: TableEncryption.DEFAULT,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
