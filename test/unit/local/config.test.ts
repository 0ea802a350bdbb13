import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, checkPortsFree, readLocalConfig } from '../../../local/config.ts';

const fail = (env: NodeJS.ProcessEnv) => {
  try {
    readLocalConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('npm start refuses configuration that cannot work, naming the variable', () => {
  it('takes the documented defaults from an empty environment', () => {
    expect(readLocalConfig({})).toMatchObject({
      port: 3000,
      dynamodbPort: 8000,
      sesPort: 8005,
      smtpPort: 2525,
      clock: 'system',
      dataDir: undefined,
      mailDomain: 'mail.casewatch.localhost',
      leads: ['leads@support.example'],
      senderAddress: 'casewatch support <support@mail.casewatch.localhost>',
    });
  });

  it('an unknown CASEWATCH_CLOCK is refused, not silently the system clock', () => {
    expect(fail({ CASEWATCH_CLOCK: 'manaul' })).toMatch(/^CASEWATCH_CLOCK .*"manaul"/);
    expect(readLocalConfig({ CASEWATCH_CLOCK: 'manual' }).clock).toBe('manual');
  });

  it.each([['leads@support'], ['lead@x.example,,not an address'], ['Lead <lead@x.example>']])(
    'a malformed LEADS_EMAIL (%s) is refused',
    (value) => {
      expect(fail({ LEADS_EMAIL: value })).toMatch(/^LEADS_EMAIL /);
    },
  );

  it('LEADS_EMAIL takes several addresses, trimmed', () => {
    expect(readLocalConfig({ LEADS_EMAIL: ' a@x.example , b@y.example ' }).leads).toEqual([
      'a@x.example',
      'b@y.example',
    ]);
  });

  it.each([['support'], ['Support <support>'], ['<>']])(
    'a malformed SENDER_ADDRESS (%s) is refused',
    (value) => {
      expect(fail({ SENDER_ADDRESS: value })).toMatch(/^SENDER_ADDRESS /);
    },
  );

  it('SENDER_ADDRESS may carry a display name', () => {
    expect(readLocalConfig({ SENDER_ADDRESS: 'Acme Support <help@acme.example>' }).senderAddress).toBe(
      'Acme Support <help@acme.example>',
    );
  });

  it.each([['PORT'], ['DYNAMODB_PORT'], ['SES_PORT'], ['SMTP_PORT']])(
    'a %s that is not a port is refused',
    (name) => {
      expect(fail({ [name]: '70000' })).toMatch(new RegExp(`^${name} `));
      expect(fail({ [name]: 'eighty' })).toMatch(new RegExp(`^${name} `));
    },
  );

  it('a CASEWATCH_START without a zone is refused', () => {
    expect(fail({ CASEWATCH_START: '2026-11-30T09:00:00', CASEWATCH_CLOCK: 'manual' })).toMatch(
      /^CASEWATCH_START /,
    );
  });

  it('a CASEWATCH_START without the manual clock is refused, not silently ignored', () => {
    expect(fail({ CASEWATCH_START: '2026-11-30T17:00:00Z' })).toMatch(/add CASEWATCH_CLOCK=manual/);
    expect(
      readLocalConfig({ CASEWATCH_START: '2026-11-30T17:00:00Z', CASEWATCH_CLOCK: 'manual' }).clock,
    ).toBe('manual');
  });

  it('a CASEWATCH_MAIL_DOMAIN that is not a domain is refused', () => {
    expect(fail({ CASEWATCH_MAIL_DOMAIN: 'localhost' })).toMatch(/^CASEWATCH_MAIL_DOMAIN /);
  });
});

describe('a port clash names the variable', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('something already listening on SES_PORT is reported as SES_PORT', async () => {
    const listening = createServer();
    server = listening;
    const port = await new Promise<number>((resolve) =>
      listening.listen(0, '127.0.0.1', () => resolve((listening.address() as { port: number }).port)),
    );
    const config = { ...readLocalConfig({ PORT: '0', DYNAMODB_PORT: '0', SMTP_PORT: '0' }), sesPort: port };
    await expect(checkPortsFree(config)).rejects.toThrow(
      new RegExp(`^SES_PORT=${port}: something already listens`),
    );
  });

  it('two variables on one port are reported together', async () => {
    const config = readLocalConfig({ PORT: '3999', SMTP_PORT: '3999', DYNAMODB_PORT: '0', SES_PORT: '0' });
    await expect(checkPortsFree(config)).rejects.toThrow(/^SMTP_PORT and PORT are both 3999/);
  });
});
