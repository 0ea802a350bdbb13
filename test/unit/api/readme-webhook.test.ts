import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signatureProblem } from '../../../shared/adapters/webhooks/signing.ts';

/*
 * The README's webhook section shows a real delivery and a verifier for it: both are checked here, so
 * neither can drift from what casewatch signs.
 */
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Integrations: case events and webhooks'));
const block = (lang: string) => new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``).exec(section)?.[1] ?? '';
const http = block('http');
const [head = '', body = ''] = http.split('\n\n');
const header = /casewatch-signature: (\S+)/.exec(head)?.[1] ?? '';
const secret = /`(whsec_[\w-]+)`/.exec(section)?.[1] ?? '';
const t = Number(/t=(\d+)/.exec(header)?.[1]);

describe("the README's webhook delivery", () => {
  it('is signed as casewatch signs', () => {
    expect(secret).toMatch(/^whsec_/);
    expect(signatureProblem(secret, header, body, t)).toBeNull();
    expect(JSON.parse(body)).toMatchObject({ schemaVersion: '1', type: 'case.opened' });
  });

  it('its verifier accepts it, and refuses it late or altered', async () => {
    const code = block('js');
    const module = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as {
      verifyCasewatch: (s: string, h: string, b: string, now?: number) => boolean;
    };
    expect(module.verifyCasewatch(secret, header, body, t)).toBe(true);
    expect(module.verifyCasewatch(secret, header, body, t + 301)).toBe(false);
    expect(module.verifyCasewatch(secret, header, `${body} `, t)).toBe(false);
    expect(module.verifyCasewatch(`${secret}x`, header, body, t)).toBe(false);
  });
});
