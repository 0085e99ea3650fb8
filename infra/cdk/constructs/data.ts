import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { AUDIT_TABLE, DATA_TABLE, type TableDefinition } from "../../../shared/store/tables.ts";

/** What every bucket of the app shares: private, encrypted, HTTPS only, kept when the stack goes. */
const PRIVATE_BUCKET = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.RETAIN,
} as const satisfies s3.BucketProps;

/** The stored state: the two DynamoDB tables of shared/store/tables.ts and the three buckets. */
export class Data extends Construct {
  readonly dataTable: dynamodb.Table;
  readonly auditTable: dynamodb.Table;
  /** S3 server access logs and CloudFront standard logs. */
  readonly logsBucket: s3.Bucket;
  readonly evidenceBucket: s3.Bucket;
  /** The web app and, under public/, the published rankings. */
  readonly siteBucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.dataTable = this.table("DataTable", DATA_TABLE);
    this.auditTable = this.table("AuditTable", AUDIT_TABLE);

    this.logsBucket = new s3.Bucket(this, "LogsBucket", {
      ...PRIVATE_BUCKET,
      // CloudFront standard logs are delivered with an ACL grant: the bucket must accept ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: "expire-logs", expiration: Duration.days(365) }],
    });
    this.evidenceBucket = new s3.Bucket(this, "EvidenceBucket", {
      ...PRIVATE_BUCKET,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: "s3/evidence/",
      lifecycleRules: [
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Confirm writes an upload's checked bytes to a key of their own, then deletes the upload: what
        // is left under uploads/ (never confirmed, or posted again after confirm) is garbage.
        {
          id: "expire-uploads",
          prefix: "evidence/uploads/",
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
        },
        // A removed or replaced file stays recoverable for 90 days, then goes.
        {
          id: "expire-old-versions",
          noncurrentVersionExpiration: Duration.days(90),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
    this.siteBucket = new s3.Bucket(this, "SiteBucket", {
      ...PRIVATE_BUCKET,
      // Published rankings are the public record: an overwrite or a delete stays recoverable.
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: "s3/site/",
      lifecycleRules: [
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: "expire-old-versions", noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
  }

  private table(id: string, definition: TableDefinition): dynamodb.Table {
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, id, {
      partitionKey: key(definition.partitionKey),
      sortKey: key(definition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.indexes)
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    return table;
  }
}
