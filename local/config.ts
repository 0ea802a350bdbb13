import { createServer } from 'node:net';
import * as z from 'zod';
import { addressList, isMailDomain } from '../shared/domain/email/addressing.ts';
import { parseInstant } from '../shared/domain/instant.ts';

/** Where local mail says it comes from and where replies go (any domain works: nothing leaves the machine). */
export const LOCAL_MAIL_DOMAIN = 'mail.casewatch.localhost';

/** Everything `npm start` reads from the environment, checked before anything starts. */
export interface LocalConfig {
  port: number;
  dynamodbPort: number;
  sesPort: number;
  smtpPort: number;
  dataDir: string | undefined;
  clock: 'system' | 'manual';
  start: Date | undefined;
  mailDomain: string;
  leads: string[];
  senderAddress: string;
}

/** A configuration value that cannot work; the message names the variable and says what it wants. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';
}

const PORTS = {
  PORT: 3000,
  DYNAMODB_PORT: 8000,
  SES_PORT: 8005,
  SMTP_PORT: 2525,
} as const;
type PortVariable = keyof typeof PORTS;

const address = z.email();
/** `Name <address>` or a bare address, as a From header takes it. */
const MAILBOX = /^\s*(?:"?([^"<>]*)"?\s*)?<([^<>\s]+)>\s*$/;

function readPort(env: NodeJS.ProcessEnv, name: PortVariable): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return PORTS[name];
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n > 65535)
    throw new ConfigError(`${name} must be a port number from 0 to 65535 (0 picks a free one), not "${raw}"`);
  return n;
}

function readMailbox(raw: string, name: string): string {
  const bare = MAILBOX.exec(raw)?.[2] ?? raw.trim();
  if (!address.safeParse(bare).success)
    throw new ConfigError(
      `${name} must be an email address, optionally with a name ("Support <support@example.com>"), not "${raw}"`,
    );
  return raw.trim();
}

/** Reads and checks the environment; throws `ConfigError` naming the first variable that cannot work. */
export function readLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const clockRaw = env.CASEWATCH_CLOCK;
  if (clockRaw !== undefined && clockRaw !== '' && clockRaw !== 'manual' && clockRaw !== 'system')
    throw new ConfigError(`CASEWATCH_CLOCK must be "manual" or "system" (the default), not "${clockRaw}"`);
  let start: Date | undefined;
  if (env.CASEWATCH_START) {
    const at = parseInstant(env.CASEWATCH_START);
    if (at === null)
      throw new ConfigError(
        `CASEWATCH_START must be an ISO instant with Z or an offset (2026-11-30T09:00:00-08:00), not "${env.CASEWATCH_START}"`,
      );
    start = new Date(at);
    if (clockRaw !== 'manual')
      throw new ConfigError(
        'CASEWATCH_START sets where the manual clock starts: add CASEWATCH_CLOCK=manual, or leave CASEWATCH_START out for the system clock',
      );
  }
  const mailDomain = (env.CASEWATCH_MAIL_DOMAIN || LOCAL_MAIL_DOMAIN).trim().toLowerCase();
  if (!isMailDomain(mailDomain))
    throw new ConfigError(
      `CASEWATCH_MAIL_DOMAIN must be a domain name (mail.example.com), not "${mailDomain}"`,
    );
  const leads = addressList(env.LEADS_EMAIL || 'leads@support.example');
  for (const lead of leads) {
    if (!address.safeParse(lead).success)
      throw new ConfigError(
        `LEADS_EMAIL must be email addresses separated by commas, but "${lead}" is not one (in "${env.LEADS_EMAIL}")`,
      );
  }
  if (leads.length === 0) throw new ConfigError('LEADS_EMAIL must name at least one address');
  const senderAddress = readMailbox(
    env.SENDER_ADDRESS || `casewatch support <support@${mailDomain}>`,
    'SENDER_ADDRESS',
  );
  return {
    port: readPort(env, 'PORT'),
    dynamodbPort: readPort(env, 'DYNAMODB_PORT'),
    sesPort: readPort(env, 'SES_PORT'),
    smtpPort: readPort(env, 'SMTP_PORT'),
    dataDir: env.CASEWATCH_DATA_DIR || undefined,
    clock: clockRaw === 'manual' ? 'manual' : 'system',
    start,
    mailDomain,
    leads,
    senderAddress,
  };
}

/** True when something already listens on 127.0.0.1:`port`. */
function inUse(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(true) : reject(error),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/**
 * Every fixed port is free, or a `ConfigError` names the variable that picks it: a clash would
 * otherwise surface as a bare EADDRINUSE from whichever server happened to start second.
 */
export async function checkPortsFree(config: LocalConfig): Promise<void> {
  const ports: [PortVariable, number][] = [
    ['PORT', config.port],
    ['DYNAMODB_PORT', config.dynamodbPort],
    ['SES_PORT', config.sesPort],
    ['SMTP_PORT', config.smtpPort],
  ];
  const seen = new Map<number, PortVariable>();
  for (const [name, port] of ports) {
    if (port === 0) continue;
    const other = seen.get(port);
    if (other) throw new ConfigError(`${name} and ${other} are both ${port}; give each its own port`);
    seen.set(port, name);
    if (await inUse(port))
      throw new ConfigError(
        `${name}=${port}: something already listens on that port; set ${name} to another (0 picks a free one)`,
      );
  }
}
