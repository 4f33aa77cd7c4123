import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TriageKind, TriageRecord } from '../shared/triage/model.ts';
import type { TriageStore } from '../shared/triage/store.ts';

/**
 * Partition keys of the triage items in the state table: one partition per kind, the id as sort key, so a
 * Query lists a kind without a Scan, and IAM can limit a role to exactly these partitions
 * (`dynamodb:LeadingKeys`). Triage is written at human speed, far below one partition's limits.
 */
export const TRIAGE_PARTITIONS: Readonly<Record<TriageKind, string>> = { defect: 'TRIAGE#defect', incident: 'TRIAGE#incident' };

/** The item calls this adapter makes; infra grants exactly these, on the triage partitions only. */
export const TRIAGE_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem'] as const;

const BATCH = 100;

/**
 * TriageStore on the state table (`pk`/`sk`). Each save is one conditional PutItem on the version attribute
 * (no transactions, so it behaves the same on dynalite).
 */
export class DynamoTriageStore implements TriageStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, private readonly table: string) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(kind: TriageKind, id: string): Promise<TriageRecord | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: TRIAGE_PARTITIONS[kind], sk: id }, ConsistentRead: true }));
    return r.Item ? fromItem(r.Item) : null;
  }

  async getMany(kind: TriageKind, ids: readonly string[]): Promise<Map<string, TriageRecord>> {
    const out = new Map<string, TriageRecord>();
    for (let i = 0; i < ids.length; i += BATCH) {
      let keys: Array<Record<string, unknown>> | undefined = ids.slice(i, i + BATCH).map((sk) => ({ pk: TRIAGE_PARTITIONS[kind], sk }));
      // BatchGetItem may hand back part of the keys unprocessed under load; ask again for those.
      for (let round = 0; keys?.length && round < 8; round++) {
        const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of r.Responses?.[this.table] ?? []) out.set(item.sk as string, fromItem(item));
        keys = r.UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined;
        if (keys?.length) await new Promise((res) => setTimeout(res, 50 * 2 ** round));
      }
      if (keys?.length) throw new Error(`DynamoTriageStore.getMany: ${keys.length} keys of ${this.table} still unprocessed after 8 rounds`);
    }
    return out;
  }

  async list(kind: TriageKind): Promise<TriageRecord[]> {
    const out: TriageRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': TRIAGE_PARTITIONS[kind] }, ExclusiveStartKey: start, ConsistentRead: true,
      }));
      out.push(...(r.Items ?? []).map(fromItem));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async save(record: TriageRecord, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.table,
        Item: { ...record, pk: TRIAGE_PARTITIONS[record.kind], sk: record.id },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}

function fromItem(item: Record<string, unknown>): TriageRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return { owner: null, note: null, ticket: null, history: [], ...rest } as unknown as TriageRecord;
}
