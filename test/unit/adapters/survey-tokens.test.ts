import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../local/clock.ts';
import { deriveKey } from '../../../shared/adapters/secret-keys.ts';
import { createCaseTokens } from '../../../shared/adapters/tokens/case-tokens.ts';
import {
  createSurveyTokens,
  SURVEY_TOKEN_LIFETIME_SECONDS,
} from '../../../shared/adapters/tokens/survey-tokens.ts';

const CASE_ID = '01JD8Z3K4M5N6P7Q8R9S0T1V2W';
const secret = randomBytes(32).toString('base64');
const surveyKey = deriveKey(secret, 'survey');

function setup(key: Uint8Array = surveyKey) {
  const clock = new ManualClock(new Date('2026-12-01T12:00:00.000Z'));
  return { clock, tokens: createSurveyTokens(async () => key, clock) };
}

/** The token with its payload replaced and the original signature kept. */
function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('survey tokens', () => {
  it('a token names the case it was issued for', async () => {
    const { tokens } = setup();
    const token = await tokens.issue(CASE_ID);
    expect(await tokens.verify(token)).toBe(CASE_ID);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    expect(payload).toEqual({
      sub: CASE_ID,
      aud: 'casewatch:survey',
      iat: Date.parse('2026-12-01T12:00:00.000Z') / 1000,
      exp: Date.parse('2026-12-01T12:00:00.000Z') / 1000 + SURVEY_TOKEN_LIFETIME_SECONDS,
    });
  });

  it('works for 60 days by the runtime clock, then no longer', async () => {
    const { clock, tokens } = setup();
    const token = await tokens.issue(CASE_ID);
    clock.advance((SURVEY_TOKEN_LIFETIME_SECONDS - 1) * 1000);
    expect(await tokens.verify(token)).toBe(CASE_ID);
    clock.advance(2000);
    expect(await tokens.verify(token)).toBeNull();
  });

  it('a token signed with another key does not verify', async () => {
    const other = setup(new Uint8Array(randomBytes(32)));
    expect(await setup().tokens.verify(await other.tokens.issue(CASE_ID))).toBeNull();
  });

  it('an altered payload does not verify', async () => {
    const { tokens } = setup();
    const token = await tokens.issue(CASE_ID);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    expect(
      await tokens.verify(withPayload(token, { ...payload, sub: '01JD0000000000000000000000' })),
    ).toBeNull();
    expect(await tokens.verify(withPayload(token, { ...payload, exp: payload.exp + 86_400 }))).toBeNull();
    // A changed signature character well inside the signature (the last one carries padding bits, so
    // changing it may decode to the same bytes).
    const at = token.length - 10;
    const flipped = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(await tokens.verify(flipped)).toBeNull();
  });

  it('a case token is never a survey token, nor the other way round', async () => {
    const { tokens } = setup();
    const caseTokens = createCaseTokens(async () => deriveKey(secret, 'case-token'));
    expect(await tokens.verify(await caseTokens.issue(CASE_ID))).toBeNull();
    expect(await caseTokens.verify(await tokens.issue(CASE_ID))).toBeNull();
    // The audience alone keeps them apart, even were both signed with the same key.
    const sameKeyCaseTokens = createCaseTokens(async () => surveyKey);
    expect(await tokens.verify(await sameKeyCaseTokens.issue(CASE_ID))).toBeNull();
    expect(await sameKeyCaseTokens.verify(await tokens.issue(CASE_ID))).toBeNull();
  });

  it('refuses unsigned tokens, tokens without an expiry or a subject, and other algorithms', async () => {
    const { tokens } = setup();
    const now = Date.parse('2026-12-01T12:00:00.000Z') / 1000;
    const unsecured = new UnsecuredJWT({}).setSubject(CASE_ID).setAudience('casewatch:survey').encode();
    const noExpiry = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(CASE_ID)
      .setAudience('casewatch:survey')
      .sign(surveyKey);
    const noSubject = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('casewatch:survey')
      .setExpirationTime(now + 60)
      .sign(surveyKey);
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(CASE_ID)
      .setAudience('casewatch:survey')
      .setExpirationTime(now + 60)
      .sign(new Uint8Array(randomBytes(64)));
    for (const token of [unsecured, noExpiry, noSubject, hs512])
      expect(await tokens.verify(token)).toBeNull();
    // Another algorithm over the right key: refused for the algorithm alone.
    const hs512SameKey = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(CASE_ID)
      .setAudience('casewatch:survey')
      .setExpirationTime(now + 60)
      .sign(surveyKey);
    expect(await tokens.verify(hs512SameKey)).toBeNull();
  });

  it('answers null for any garbage, never throws (property)', async () => {
    const { tokens } = setup();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(fc.base64String({ maxLength: 60 }), { minLength: 3, maxLength: 3 })
            .map((p) => p.join('.')),
          fc.constant('x'.repeat(100_000)),
        ),
        async (garbage) => {
          expect(await tokens.verify(garbage)).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });
});
