import { ConfigError, checkPortsFree, readLocalConfig } from './config.ts';
import { buildPortal } from './portal-build.ts';
import { startLocalRuntime } from './runtime.ts';

/** `npm start`: the local runtime, configured from the environment, stopped by Ctrl-C. */
async function main(): Promise<void> {
  const config = readLocalConfig();
  await checkPortsFree(config);
  // The portal is built from web/ on every start (about a second), so it always matches the code.
  const portalDir = await buildPortal();
  const runtime = await startLocalRuntime({
    portalDir,
    port: config.port,
    dynamodbPort: config.dynamodbPort,
    sesPort: config.sesPort,
    smtpPort: config.smtpPort,
    dataDir: config.dataDir,
    clock: config.clock,
    start: config.start,
    mailDomain: config.mailDomain,
    leads: config.leads,
    senderAddress: config.senderAddress,
  });
  const body = JSON.stringify({
    type: 'consumer',
    subject: 'Charged twice for my subscription',
    description: 'My card shows double billing for order FS-123.',
    email: 'buyer@example.com',
    orderNumber: 'FS-123',
    billingDescriptor: 'FSPRG*ACME',
  });
  const resumed = runtime.resumedAt
    ? `\n  (the manual clock resumed from the data dir at ${runtime.resumedAt.toISOString()}${
        config.start && config.start.getTime() !== runtime.resumedAt.getTime()
          ? '; CASEWATCH_START is ignored once a data dir has a clock — use a new data dir to start over'
          : ''
      })`
    : '';
  console.log(`casewatch portal: ${runtime.apiUrl}/  (local sign-in: any role, any email)

casewatch is running locally (clock: ${config.clock}, now ${runtime.clock.now().toISOString()})${resumed}

  portal          ${runtime.apiUrl}/
  API             ${runtime.apiUrl}  (contract ${runtime.apiUrl}/openapi.json, reference ${runtime.apiUrl}/docs)
  SES inbox       ${runtime.sesUrl}
  inbound SMTP    localhost:${runtime.smtpPort} (mail to anything@${runtime.mailDomain}; or POST raw mail to ${runtime.apiUrl}/_local/inbound)
  DynamoDB Local  ${runtime.dynamodbEndpoint}
  data            ${config.dataDir ?? 'in memory (set CASEWATCH_DATA_DIR to keep it)'}

Open a case:
  curl -s -X POST ${runtime.apiUrl}/cases -H 'content-type: application/json' -d '${body}'

Get a token for an agent, then list the queue:
  TOKEN=$(curl -s -X POST ${runtime.apiUrl}/_local/tokens -H 'content-type: application/json' -d '{"role":"agent","email":"alice@support.example"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s ${runtime.apiUrl}/cases -H "authorization: Bearer $TOKEN"

SLA timers waiting to fire, and any that failed for good:
  curl -s ${runtime.apiUrl}/_local/timers
${
  config.clock === 'manual'
    ? `Move the clock; the answer lists the timers that fired:
  curl -s -X POST ${runtime.apiUrl}/_local/clock -H 'content-type: application/json' -d '{"advance":"PT4H"}'
`
    : ''
}
Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping casewatch…`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : (error as Error).message;
  console.error(`casewatch: could not start: ${message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
