import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readInbound } from '../../../shared/adapters/email-inbound/classify.ts';

/**
 * docs/mail.md#message-text-and-quoted-history: replies as mail clients write them, each with the exact new
 * text that must land on the timeline. test/fixtures/mail/replies/README.md says how to add one.
 */
const dir = new URL('../../fixtures/mail/replies/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort();

interface Reply {
  client: string;
  language: 'en' | 'de' | 'fr' | 'es' | 'it' | 'ru' | 'ja';
  layout: 'top' | 'bottom' | 'interleaved';
  text: string;
}
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Record<string, Reply>;
const load = (file: string) => readFileSync(new URL(file, dir));

/** What the message itself is made of, read from its top-level Content-Type (not from its name). */
function shape(raw: Buffer): string {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  const type = /^Content-Type:\s*([^;\s]+)/im.exec(head)?.[1]?.toLowerCase();
  return (
    { 'text/plain': 'text', 'text/html': 'html', 'multipart/alternative': 'alternative' }[type ?? ''] ?? '?'
  );
}

describe('reply corpus', () => {
  it('has an expectation for every message and none without one', () => {
    expect(fixtures.filter((f) => !(f in expected))).toEqual([]);
    expect(Object.keys(expected).filter((f) => !fixtures.includes(f))).toEqual([]);
  });

  it('covers at least 15 mail clients, 7 languages, every layout and every message shape', () => {
    const replies = Object.values(expected);
    expect(new Set(replies.map((r) => r.client)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(replies.map((r) => r.language))).toEqual(
      new Set(['en', 'de', 'fr', 'es', 'it', 'ru', 'ja']),
    );
    expect(new Set(replies.map((r) => r.layout))).toEqual(new Set(['top', 'bottom', 'interleaved']));
    expect(new Set(fixtures.map((f) => shape(load(f))))).toEqual(new Set(['text', 'html', 'alternative']));
  });

  it.each(fixtures)('%s: only the new text', async (file) => {
    const got = await readInbound(load(file));
    expect(got.kind).toBe('mail');
    expect(got.kind === 'mail' && got.text).toBe(expected[file]?.text);
  });
});
