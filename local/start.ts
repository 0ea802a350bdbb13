import { parseInstant } from '../shared/domain/instant.ts';
import { startLocalRuntime } from './runtime.ts';

/** `npm start`: SPEC §8's local runtime, configured from the environment, stopped by Ctrl-C. */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, not "${raw}"`);
  return n;
}

function startInstant(): Date | undefined {
  const raw = process.env.CASEWATCH_START;
  if (!raw) return undefined;
  const at = parseInstant(raw);
  if (at === null)
    throw new Error(`CASEWATCH_START must be an ISO instant with Z or an offset, not "${raw}"`);
  return new Date(at);
}

async function main(): Promise<void> {
  const clockMode = process.env.CASEWATCH_CLOCK === 'manual' ? 'manual' : 'system';
  const runtime = await startLocalRuntime({
    port: port('PORT', 3000),
    dynamodbPort: port('DYNAMODB_PORT', 8000),
    sesPort: port('SES_PORT', 8005),
    smtpPort: port('SMTP_PORT', 2525),
    dataDir: process.env.CASEWATCH_DATA_DIR || undefined,
    clock: clockMode,
    start: startInstant(),
  });
  const body = JSON.stringify({
    type: 'consumer',
    subject: 'Charged twice for my subscription',
    description: 'My card shows double billing for order FS-123.',
    email: 'buyer@example.com',
    orderNumber: 'FS-123',
    billingDescriptor: 'FSPRG*ACME',
  });
  console.log(`casewatch is running locally (clock: ${clockMode}, now ${runtime.clock.now().toISOString()})

  API             ${runtime.apiUrl}
  SES inbox       ${runtime.sesUrl}
  inbound SMTP    localhost:${runtime.smtpPort} (mail to anything@${runtime.mailDomain}; or POST raw mail to ${runtime.apiUrl}/_local/inbound)
  DynamoDB Local  ${runtime.dynamodbEndpoint}
  data            ${process.env.CASEWATCH_DATA_DIR || 'in memory (set CASEWATCH_DATA_DIR to keep it)'}

Open a case:
  curl -s -X POST ${runtime.apiUrl}/cases -H 'content-type: application/json' -d '${body}'

Get a token for an agent, then list the queue:
  TOKEN=$(curl -s -X POST ${runtime.apiUrl}/_local/tokens -H 'content-type: application/json' -d '{"role":"agent","email":"alice@support.example"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s ${runtime.apiUrl}/cases -H "authorization: Bearer $TOKEN"

SLA timers waiting to fire, and any that failed for good:
  curl -s ${runtime.apiUrl}/_local/timers
${
  clockMode === 'manual'
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
  console.error(`casewatch: could not start: ${(error as Error).message}`);
  process.exit(1);
});
