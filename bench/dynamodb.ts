/**
 * DynamoDB Local durability and write latency (`npx tsx bench/dynamodb.ts`, or `npm run bench -- dynamodb`).
 * - the kill -9 campaign (test/fixtures/twin/dynamodb-kill-campaign.ts): large TransactWriteItems,
 *   each followed at once by SIGKILL of DynamoDB Local's process group, on the bare jar and through
 *   the twin's launcher; how many acknowledged transactions a restart no longer has;
 * - p50 of PutItem and of a two-item TransactWriteItems from one client, bare jar and launcher
 *   measured side by side (alternating requests to two instances), so the cost of waiting for the
 *   commit before answering is a ratio from one run.
 * KILL_ROUNDS (default 25) sets the campaign length.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, startDynamoDbLocal } from '../local/dynamodb';
import { freePort } from '../local/ports';
import { killCampaign } from '../test/fixtures/twin/dynamodb-kill-campaign';
import { isMain, machine, type Row, writeResult } from './lib';

const ROUNDS = Number(process.env.KILL_ROUNDS ?? 25);
const LATENCY_N = 400;

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Instance {
  ddb: DynamoDbLocal;
  client: DynamoDBClient;
  dir: string;
}

async function instance(launcher: boolean): Promise<Instance> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'minsheng-ddb-bench-'));
  const ddb = await startDynamoDbLocal({ port: await freePort(), dbDir: dir, launcher });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: ddb.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'bench',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  return { ddb, client, dir };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const campaigns = {
    bare: await killCampaign({ rounds: ROUNDS, launcher: false }),
    launcher: await killCampaign({ rounds: ROUNDS, launcher: true }),
  };
  for (const [name, c] of Object.entries(campaigns)) {
    rows.push({
      suite: 'dynamodb',
      metric: `kill -9 after ack, ${name === 'bare' ? 'bare jar' : 'launcher'}: acknowledged transactions lost`,
      value: `${c.lost.length}/${c.acknowledged.length}`,
      unit: 'tx',
      note: `100 items × 30 KB each; ${c.irregular.length} irregular rounds`,
    });
  }

  const bare = await instance(false);
  const hard = await instance(true);
  const lat = {
    bare: { put: [] as number[], tx: [] as number[] },
    hard: { put: [] as number[], tx: [] as number[] },
  };
  try {
    for (let i = 0; i < LATENCY_N + 50; i++) {
      for (const [name, inst] of [
        ['bare', bare],
        ['hard', hard],
      ] as const) {
        const put = await timed(() =>
          inst.client.send(new PutItemCommand({ TableName: 'bench', Item: { pk: { S: `p${i}` } } })),
        );
        const tx = await timed(() =>
          inst.client.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: 'bench', Item: { pk: { S: `a${i}` } } } },
                { Put: { TableName: 'bench', Item: { pk: { S: `b${i}` } } } },
              ],
            }),
          ),
        );
        if (i >= 50) {
          lat[name].put.push(put);
          lat[name].tx.push(tx);
        }
      }
    }
  } finally {
    for (const inst of [bare, hard]) {
      inst.client.destroy();
      await inst.ddb.close();
      await rm(inst.dir, { recursive: true, force: true });
    }
  }
  for (const op of ['put', 'tx'] as const) {
    const b = p50(lat.bare[op]);
    const h = p50(lat.hard[op]);
    const what = op === 'put' ? 'PutItem' : 'TransactWriteItems (2 puts)';
    rows.push(
      {
        suite: 'dynamodb',
        metric: `${what} p50, bare jar`,
        value: b,
        unit: 'ms',
        note: `${LATENCY_N} alternating`,
      },
      {
        suite: 'dynamodb',
        metric: `${what} p50, launcher`,
        value: h,
        unit: 'ms',
        note: `ratio ${(h / b).toFixed(2)}`,
      },
    );
  }
  await writeResult('dynamodb', { machine: machine(), rows, campaigns });
  return rows;
}

if (isMain(import.meta.url)) {
  for (const r of await run()) console.log(`${r.metric}: ${r.value} ${r.unit} ${r.note ?? ''}`);
}
