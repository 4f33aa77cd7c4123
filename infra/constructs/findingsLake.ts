import { Duration, Fn, Size, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLES, type TableSchema } from '../../shared/emit/tableSchemas.ts';
import type { TableName } from '../../shared/emit/rows.ts';
import { acknowledgeWildcard } from './acknowledgeWildcard.ts';
import { FINDINGS_QUERIES } from './findingsQueries.ts';

/** Prefix of the analyses' working state (window buffers, snapshots); never queried, never replicated. */
export const STATE_PREFIX = 'state';
/** Prefix of Athena query results inside the lake bucket (expired after a week, never replicated). */
export const ATHENA_RESULTS_PREFIX = 'athena-results';
/** Athena cancels a query of this workgroup that would scan more. */
export const BYTES_SCANNED_CUTOFF = Size.gibibytes(10);

export interface CentralReplication {
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
  readonly accountId: string;
}

export interface FindingsLakeProps {
  /** Days findings are kept before S3 expires them. */
  readonly retentionDays: number;
  /** Replicate every table prefix to the central findings bucket of another account. */
  readonly central?: CentralReplication;
  /** Central lake: accept replicas from the replication roles of these accounts. */
  readonly acceptReplicationFrom?: readonly string[];
}

/** Replication roles are named with this prefix so that the central account can trust them by ARN pattern. */
export const REPLICATION_ROLE_PREFIX = 'apiscope-replication-';

/**
 * The findings lake: gzip NDJSON under `s3://<bucket>/<table prefix>/dt=YYYY-MM-DD/`, one Glue table per
 * entry of TABLES with partition projection (no crawler, no MSCK REPAIR), and an Athena workgroup with saved
 * queries. The bucket is KMS-encrypted, versioned, TLS-only, private, access-logged and expires old findings.
 *
 * @example
 * const lake = new FindingsLake(this, 'Lake', { retentionDays: 400 });
 * lake.grantWriteTable(fn, 'defects');
 */
export class FindingsLake extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  readonly key: kms.Key;
  readonly database: glue.CfnDatabase;
  readonly databaseName: string;
  readonly tables: Record<string, glue.CfnTable> = {};
  readonly workGroup: athena.CfnWorkGroup;
  readonly namedQueries: athena.CfnNamedQuery[] = [];

  constructor(scope: Construct, id: string, props: FindingsLakeProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'LakeKey', {
      description: 'apiscope: encrypts findings and Athena query results',
      enableKeyRotation: true,
    });

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      // S3 server access logs can only be delivered to an SSE-S3 bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(Math.max(props.retentionDays, 90)) },
        // Expiring a current version in a versioned bucket leaves a delete marker; once the old version has gone too,
        // the marker is removed in the same rule (S3 accepts ExpiredObjectDeleteMarker next to
        // NoncurrentVersionExpiration, not next to Expiration days).
        { id: 'expire-old-access-log-versions', noncurrentVersionExpiration: Duration.days(7), expiredObjectDeleteMarker: true },
      ],
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server-access-log destination of the findings bucket; logging it into itself would log its own log deliveries forever.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'findings-bucket/',
      lifecycleRules: [
        { id: 'expire-findings', expiration: Duration.days(props.retentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Every delete in a versioned bucket leaves a marker (consumed buffers every window, hourly findings objects at
        // each day's compaction, expired findings). Old versions stay recoverable for 30 days, then go; the marker left
        // with no version behind it goes in the same rule, so the prefixes the engine lists on every close do not fill
        // up with markers. S3 accepts ExpiredObjectDeleteMarker next to NoncurrentVersionExpiration, not next to
        // Expiration days, which is why expiry of current objects is a rule of its own.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30), expiredObjectDeleteMarker: true },
        { id: 'expire-athena-results', prefix: `${ATHENA_RESULTS_PREFIX}/`, expiration: Duration.days(7) },
        // The engine deletes consumed buffers and old snapshots; their old versions are kept a week for recovery.
        { id: 'expire-old-state-versions', prefix: `${STATE_PREFIX}/`, noncurrentVersionExpiration: Duration.days(7), expiredObjectDeleteMarker: true },
      ],
    });
    if (props.central) this.replicateTo(props.central);
    if (props.acceptReplicationFrom?.length) this.acceptReplicas(props.acceptReplicationFrom);

    this.databaseName = glueName(`${stack.stackName}_findings`);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'apiscope findings lake (one table per finding kind)' },
    });
    for (const schema of TABLES) {
      const table = new glue.CfnTable(this, `Table-${schema.name}`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: tableInput(schema, this.bucket.bucketName, props.retentionDays),
      });
      table.addResourceDependency(this.database);
      this.tables[schema.name] = table;
    }

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-findings`,
      description: 'apiscope: queries over the findings lake (enforced settings, encrypted results, scan cutoff)',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF.toBytes(),
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${ATHENA_RESULTS_PREFIX}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.key.keyArn },
          expectedBucketOwner: stack.account,
        },
      },
    });

    for (const q of FINDINGS_QUERIES) {
      const nq = new athena.CfnNamedQuery(this, `Query-${q.id}`, {
        name: q.name,
        description: q.description,
        database: this.databaseName,
        workGroup: this.workGroup.ref,
        queryString: q.sql,
      });
      nq.addResourceDependency(this.database);
      this.namedQueries.push(nq);
    }
  }

  /**
   * Replicates every table prefix (not state, not Athena results) to the central account's bucket, re-encrypted
   * with its key and owned by it. Uses its own role with exactly the replication permissions (the L2
   * `replicationRules` role would get kms:ReEncrypt* and kms:GenerateDataKey*).
   */
  private replicateTo(central: CentralReplication): void {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ReplicationRole', {
      // Named, so that the central bucket and key policies can trust it by ARN pattern.
      roleName: `${REPLICATION_ROLE_PREFIX}${stack.stackName}-${stack.region}`,
      description: 'apiscope: replicates findings to the central findings account',
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    const prefixes = TABLES.map((t) => `${t.prefix}/*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [this.bucket.bucketArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        resources: prefixes.map((p) => this.bucket.arnForObjects(p)),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // ReplicateDelete: the delete markers of compacted hourly objects (see deleteMarkerReplication below).
        actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
        resources: prefixes.map((p) => `${central.bucketArn}/${p}`),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Encrypt', 'kms:GenerateDataKey'], resources: [central.kmsKeyArn] }));
    for (const p of prefixes) {
      acknowledgeWildcard(role, this.bucket.arnForObjects(p), `S3 replication reads every new object version under the ${p} table prefix; object keys are chosen at run time.`);
      acknowledgeWildcard(role, `${central.bucketArn}/${p}`, `S3 replication writes replicas of the ${p} table prefix to the same keys in the central bucket; object keys are chosen at run time.`);
    }

    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.replicationConfiguration = {
      role: role.roleArn,
      rules: TABLES.map((t, i) => ({
        id: `to-central-${t.name}`,
        priority: i,
        status: 'Enabled',
        filter: { prefix: `${t.prefix}/` },
        // The engine folds a day's hourly objects into one and deletes them (shared/engine/compactDay.ts): without
        // the delete markers the central copy would keep both and count that day twice. Only deletes without a
        // version id (markers) replicate; S3 never replicates the permanent deletion of a version.
        deleteMarkerReplication: { status: 'Enabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: central.bucketArn,
          account: central.accountId,
          accessControlTranslation: { owner: 'Destination' },
          encryptionConfiguration: { replicaKmsKeyId: central.kmsKeyArn },
        },
      })),
    };
  }

  /** Central lake: lets the replication roles of the source accounts write replicas and use the key. */
  private acceptReplicas(accounts: readonly string[]): void {
    const principals = accounts.map((a) => new iam.AccountPrincipal(a));
    const stack = Stack.of(this);
    const fromReplicationRoles = {
      ArnLike: { 'aws:PrincipalArn': accounts.map((a) => `arn:${stack.partition}:iam::${a}:role/${REPLICATION_ROLE_PREFIX}*`) },
    };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AcceptApiscopeReplicas',
        principals,
        actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
        resources: TABLES.map((t) => this.bucket.arnForObjects(`${t.prefix}/*`)),
        conditions: fromReplicationRoles,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ApiscopeReplicationBucketChecks',
        principals,
        actions: ['s3:GetBucketVersioning', 's3:PutBucketVersioning', 's3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: fromReplicationRoles,
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EncryptApiscopeReplicas',
        principals,
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: fromReplicationRoles,
      }),
    );
  }

  /**
   * Lets `role` write objects of one table (its prefix only): s3:PutObject plus the key actions SSE-KMS needs
   * (GenerateDataKey for a put, Decrypt to complete a multipart upload). No read, list or delete.
   */
  grantWriteTable(role: iam.Role, table: TableName): void {
    const prefix = prefixOf(table);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${prefix}/*`)] }));
    this.grantKey(role);
    this.acknowledgePrefix(role, prefix, `Object keys are ${prefix}/dt=YYYY-MM-DD/<writer>-<hour or batch>.json.gz, known only at run time; the wildcard is limited to the ${table} table prefix.`);
  }

  /**
   * Lets `role` write the whole documents under `prefix` (`openapi/<domain>.json`): s3:PutObject there and the
   * key actions of an SSE-KMS put. No read, list or delete.
   */
  grantWriteDocuments(role: iam.Role, prefix: string): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${prefix}/*`)] }));
    this.grantKey(role);
    this.acknowledgePrefix(role, prefix, `Documents are ${prefix}/<domain>.json, one per API domain seen, known only at run time; the wildcard is limited to the ${prefix} prefix.`);
  }

  /**
   * Lets `role` read the documents under `prefix`: s3:GetObject there, s3:ListBucket for that prefix only (so a
   * missing document is a 404, not S3's 403) and kms:Decrypt.
   */
  grantReadDocuments(role: iam.Role, prefix: string): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${prefix}/*`)] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}/*`] } } }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.key.keyArn] }));
    this.acknowledgePrefix(role, prefix, `Reads ${prefix}/<domain>.json for the domain a caller asks for; read-only, limited to the ${prefix} prefix.`);
  }

  /**
   * Lets `role` fold a day's hourly objects of these tables into one (shared/engine/compactDay.ts): list, read
   * and delete under each table prefix, in addition to `grantWriteTable`'s put.
   */
  grantCompactTables(role: iam.Role, tables: readonly TableName[]): void {
    if (!tables.length) return;
    const prefixes = tables.map(prefixOf);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: prefixes.map((p) => this.bucket.arnForObjects(`${p}/*`)) }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}/*`) } },
      }),
    );
    this.grantKey(role);
  }

  /**
   * Lets `role` keep one engine's working state under `state/<analysis>/` (window buffers, snapshots, late
   * events; `analysis` is the name of what the window engine runs, e.g. `pipeline`): put, get, delete and list
   * there, nowhere else.
   */
  grantAnalysisState(role: iam.Role, analysis: string): void {
    const prefix = `${STATE_PREFIX}/${analysis}`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], resources: [this.bucket.arnForObjects(`${prefix}/*`)] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}/*`] } },
      }),
    );
    this.grantKey(role);
    this.acknowledgePrefix(role, prefix, `Window buffers, snapshots and late events are keyed by window start and shard/sequence (state/${analysis}/buffer/w=<ts>/<batch>.json, state/${analysis}/snapshot/<ts>.json, state/${analysis}/late/<batch>.json); the wildcard covers only this engine's own state prefix.`);
  }

  private grantKey(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn] }));
  }

  /** Acknowledges cdk-nag IAM5 for the object wildcard under `prefix` on `role`, with the reason. */
  acknowledgePrefix(role: iam.Role, prefix: string, reason: string): void {
    acknowledgeWildcard(role, this.bucket.arnForObjects(`${prefix}/*`), reason);
  }

  /**
   * Lets `role` run queries in the workgroup: Athena query actions on it, read-only Glue catalog access to the
   * database and its tables, read of the table prefixes, write/read of the results prefix, use of the key.
   */
  grantQuery(role: iam.Role): void {
    const stack = Stack.of(this);
    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup', 'athena:GetNamedQuery', 'athena:ListNamedQueries'],
        resources: [workGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          ...TABLES.map((t) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${t.name}` })),
        ],
      }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: TABLES.map((t) => this.bucket.arnForObjects(`${t.prefix}/*`)) }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [...TABLES.map((t) => `${t.prefix}/*`), `${ATHENA_RESULTS_PREFIX}/*`] } },
      }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [this.bucket.bucketArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}/*`)],
      }),
    );
    this.grantKey(role);
    for (const t of TABLES) {
      this.acknowledgePrefix(role, t.prefix, `Athena reads every object of the ${t.name} table (keys dt=…/<writer>-<hour, batch or day>.json.gz); read-only, limited to that table prefix.`);
    }
    this.acknowledgePrefix(role, ATHENA_RESULTS_PREFIX, 'Athena writes and reads query results under names it chooses (<query id>.csv); limited to the results prefix, which expires after 7 days.');
  }
}

function prefixOf(table: string): string {
  const schema = TABLES.find((t) => t.name === table);
  if (!schema) throw new Error(`unknown findings table "${table}"; known: ${TABLES.map((t) => t.name).join(', ')}`);
  return schema.prefix;
}

/** Glue names are lower case letters, digits and underscores. */
export function glueName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/**
 * Glue table over gzip NDJSON with partition projection on dt (yyyy-MM-dd, the retention period up to today).
 * Days, not hours: a day's findings end up in one object per writer (compactDay), and rows carry their times.
 */
export function tableInput(schema: TableSchema, bucketName: string, retentionDays: number): glue.CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/${schema.prefix}/`;
  return {
    name: schema.name,
    description: schema.description,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'json',
      compressionType: 'gzip',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      // Older partitions have expired (lifecycle), so Athena never enumerates them.
      'projection.dt.range': `NOW-${retentionDays}DAYS,NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': Fn.join('', [location, 'dt=${dt}/']),
    },
    partitionKeys: [{ name: 'dt', type: 'string', comment: 'event date, yyyy-MM-dd (UTC)' }],
    storageDescriptor: {
      location,
      columns: schema.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment || undefined })),
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      compressed: true,
      serdeInfo: {
        serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        parameters: { 'ignore.malformed.json': 'true', 'dots.in.keys': 'false', 'case.insensitive': 'true' },
      },
    },
  };
}
