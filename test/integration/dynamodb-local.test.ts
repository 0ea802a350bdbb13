import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbLocal, LOCAL_CLIENT_CONFIG, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { LOOPBACK_MAIN_CLASS, loopbackJavaArgs, writeLoopbackClass } from '../../local/dynamodb-loopback.ts';
import { ulid } from './support/store.ts';

/** The run's DynamoDB Local (test/support/dynamodb-global-setup.ts), started in memory by startDynamoDbLocal. */
const shared = new URL(inject('dynamodbEndpoint'));
const sharedPort = Number(shared.port);

/**
 * Decodes a /proc/net/tcp{,6} address: 32-bit words of hex, each in host (little-endian) byte
 * order. An IPv4-mapped IPv6 address (what a Java socket bound to 127.0.0.1 shows) reads as the
 * IPv4 address it accepts; other IPv6 addresses are written out in full (`::` is 0:0:0:0:0:0:0:0).
 */
function procAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) =>
    (word.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16)).reverse(),
  );
  const mapped =
    bytes.length === 16 &&
    bytes.slice(0, 10).every((b) => b === 0) &&
    bytes[10] === 0xff &&
    bytes[11] === 0xff;
  if (bytes.length === 4 || mapped) return bytes.slice(-4).join('.');
  const groups = [];
  for (let i = 0; i < bytes.length; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** Every address a socket listens on at `port`, per the kernel (state 0A is LISTEN). */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, portHex] = local?.split(':') ?? [];
      if (state === '0A' && address && Number.parseInt(portHex ?? '', 16) === port) {
        addresses.push(procAddress(address));
      }
    }
  }
  return addresses;
}

/** The machine's own addresses other than loopback (link-local IPv6 needs a scope: left out). */
const externalAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((i) => i !== undefined && !i.internal && !i.address.startsWith('fe80:'))
  .map((i) => i?.address ?? '');

/** How a TCP connection to address:port ends: 'connected' or the error code. */
function tryConnect(address: string, port: number): Promise<string> {
  return new Promise((ok) => {
    const socket = connect({ host: address, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      ok('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      ok('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => ok(error.code ?? error.message));
  });
}

/** Creates a table, puts an item and reads it back: DynamoDB Local works. */
async function putAndGet(endpoint: string, tableName: string, id: string): Promise<void> {
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id }, n: { N: '7' } } }));
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    expect(Item).toEqual({ id: { S: id }, n: { N: '7' } });
  } finally {
    client.destroy();
  }
}

describe('DynamoDB Local as startDynamoDbLocal runs it', () => {
  it.runIf(process.platform === 'linux')('listens on 127.0.0.1 only (/proc/net/tcp and tcp6)', () => {
    // Before the launcher this was [0:0:0:0:0:0:0:0]: the wildcard, every interface.
    expect(listeningAddresses(sharedPort)).toEqual(['127.0.0.1']);
  });

  it.skipIf(externalAddresses.length === 0)(
    "refuses connections on the machine's other addresses (and accepts them on 127.0.0.1)",
    async () => {
      const outcomes = await Promise.all(externalAddresses.map((a) => tryConnect(a, sharedPort)));
      expect(Object.fromEntries(externalAddresses.map((a, i) => [a, outcomes[i]]))).toEqual(
        Object.fromEntries(externalAddresses.map((a) => [a, 'ECONNREFUSED'])),
      );
      expect(await tryConnect('127.0.0.1', sharedPort)).toBe('connected');
    },
  );

  it('works in memory: creates a table, puts and gets an item', async () => {
    const tableName = `ddb-local-${ulid().toLowerCase()}`;
    await putAndGet(shared.origin, tableName, 'in-memory');
    const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: shared.origin });
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  });

  describe('with a data folder', () => {
    let dataDir = '';
    let db: DynamoDbLocal | undefined;
    afterAll(async () => {
      await db?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('keeps a table and its items across a restart, and listens on 127.0.0.1 only too', async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'casewatch-ddb-data-'));
      db = await startDynamoDbLocal({ dataDir });
      if (process.platform === 'linux') expect(listeningAddresses(db.port)).toEqual(['127.0.0.1']);
      await putAndGet(db.endpoint, 'kept', 'on-disk');
      await db.stop();
      expect(await readdir(dataDir)).toContain('shared-local-instance.db');

      db = await startDynamoDbLocal({ dataDir });
      const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: db.endpoint });
      const { Item } = await client.send(
        new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'on-disk' } }, ConsistentRead: true }),
      );
      client.destroy();
      expect(Item).toEqual({ id: { S: 'on-disk' }, n: { N: '7' } });
    });
  });
});

describe('the launcher class (dynamodb-loopback.ts)', () => {
  it("passes the JVM's verifier and hands bad arguments to DynamoDB Local's own parser", async () => {
    const classDir = await writeLoopbackClass();
    try {
      const run = await new Promise<{ code: number | null; output: string }>((ok) => {
        execFile(
          'java',
          loopbackJavaArgs(classDir, ['-no-such-option']),
          { timeout: 20_000 },
          (e, out, err) =>
            ok({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, output: `${out}\n${err}` }),
        );
      });
      // A malformed class would stop the JVM before main ran: VerifyError, ClassFormatError, …
      expect(run.output).not.toMatch(/VerifyError|ClassFormatError|LinkageError|ClassNotFound|NoSuch/);
      expect(run.code).toBe(1);
      // main ran and got as far as DynamoDB Local's command-line parser, which printed its usage.
      expect(run.output).toContain('Unrecognized option: -no-such-option');
      expect(run.output).toContain(
        'usage: java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar',
      );
      expect(run.output).toContain(`at ${LOOPBACK_MAIN_CLASS}.main`);
    } finally {
      await rm(classDir, { recursive: true, force: true });
    }
  });
});
