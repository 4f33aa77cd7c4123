import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Item, KeyValueStore } from '../shared/engine/ports.ts';

/**
 * KeyValueStore on one DynamoDB table with string keys `pk`/`sk`. Every write is a single-item conditional
 * write (no transactions), so it works the same on DynamoDB and on dynalite.
 */
export class DynamoKeyValueStore implements KeyValueStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, private readonly table: string) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(pk: string, sk: string): Promise<Item | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }));
    return (r.Item as Item | undefined) ?? null;
  }

  async query(pk: string, range: { from?: string; to?: string } = {}): Promise<Item[]> {
    const out: Item[] = [];
    let start: Record<string, unknown> | undefined;
    const names: Record<string, string> = { '#pk': 'pk' };
    const values: Record<string, unknown> = { ':pk': pk };
    let cond = '#pk = :pk';
    if (range.from !== undefined || range.to !== undefined) {
      names['#sk'] = 'sk';
      values[':from'] = range.from ?? '';
      values[':to'] = range.to ?? '\uffff';
      cond += ' AND #sk BETWEEN :from AND :to';
    }
    do {
      const r = await this.doc.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: cond, ExpressionAttributeNames: names, ExpressionAttributeValues: values, ExclusiveStartKey: start, ConsistentRead: true }));
      out.push(...((r.Items as Item[]) ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async put(pk: string, sk: string, attrs: Item): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...attrs, pk, sk } }));
  }

  async putIfAbsent(pk: string, sk: string, attrs: Item): Promise<boolean> {
    return this.conditional(new PutCommand({ TableName: this.table, Item: { ...attrs, pk, sk }, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async putIfVersion(pk: string, sk: string, attrs: Item, attr: string, expected: number | null): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.table,
        Item: { ...attrs, pk, sk },
        ConditionExpression: expected === null ? 'attribute_not_exists(#v)' : '#v = :v',
        ExpressionAttributeNames: { '#v': attr },
        ExpressionAttributeValues: expected === null ? undefined : { ':v': expected },
      }),
    );
  }

  async raise(pk: string, sk: string, attr: string, value: number, extra: Item = {}): Promise<void> {
    const names: Record<string, string> = { '#a': attr };
    const values: Record<string, unknown> = { ':v': value };
    const sets = ['#a = :v'];
    Object.entries(extra).forEach(([k, v], i) => { names[`#e${i}`] = k; values[`:e${i}`] = v; sets.push(`#e${i} = :e${i}`); });
    await this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk, sk },
        UpdateExpression: 'SET ' + sets.join(', '),
        ConditionExpression: 'attribute_not_exists(#a) OR #a < :v',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async delete(pk: string, sk: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk } }));
  }

  private async conditional(cmd: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.doc.send(cmd as PutCommand);
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}
