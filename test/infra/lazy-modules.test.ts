import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../bench/bundles.ts';
import { PROJECT_ROOT } from '../../infra/constructs/casewatch-function.ts';
import { MAIL_CHARSETS } from '../../infra/constructs/lazy-modules.ts';

/**
 * The mail-inbound bundle leaves charset tables beside it (MAIL_CHARSETS). Built with that recipe, mail in
 * every double-byte and Japanese charset must read exactly as the unbundled parser reads it, and the tables
 * must really be outside the bundle.
 */
let dir: string;
let bundleFile: string;
let inputs: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'casewatch-lazy-'));
  bundleFile = join(dir, 'out', 'index.mjs');
  // The bench's bundler: the options CasewatchFunction deploys with, and the files shipped beside.
  inputs = Object.keys((await bundle('test/infra/fixtures/parse-mail.ts', bundleFile, MAIL_CHARSETS)).inputs);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A plain-text mail whose body is `text` in `charset`. */
function mail(charset: string, text: string): Buffer {
  const body = iconv.encode(text, charset).toString('base64');
  return Buffer.from(
    `From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`,
  );
}

/** Runs the bundle in a fresh node process, as Lambda would load it. */
function parseWithBundle(raws: Buffer[]): string[] {
  const script = join(dir, 'run.mjs');
  writeFileSync(
    script,
    `const { texts } = await import(${JSON.stringify(bundleFile)});
const raws = JSON.parse(await new Promise((ok) => { let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => ok(s)); }));
process.stdout.write(JSON.stringify(await texts(raws)));`,
  );
  const out = execFileSync(process.execPath, [script], {
    input: JSON.stringify(raws.map((r) => r.toString('base64'))),
  });
  return JSON.parse(out.toString()) as string[];
}

describe('charset tables beside the mail-inbound bundle', () => {
  it('are not in the bundle, but beside it', () => {
    expect(inputs.some((i) => i.includes('iconv-lite/encodings/dbcs-codec'))).toBe(true);
    expect(inputs.filter((i) => i.includes('iconv-lite/encodings/tables/'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('node_modules/encoding-japanese/'))).toEqual([]);
    expect(existsSync(join(dir, 'out', 'tables', 'cp936.json'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'charsets', 'encoding-japanese.cjs'))).toBe(true);
  });

  it('hold one libmime, its CommonJS build, for mailparser and mailsplit alike', () => {
    const libmime = inputs.filter((i) => i.includes('node_modules/libmime/'));
    expect(libmime.length).toBeGreaterThan(0);
    expect(libmime.filter((i) => !i.includes('/dist/cjs/'))).toEqual([]);
  });

  it('read mail in each double-byte and Japanese charset as the unbundled parser does', async () => {
    const samples: [string, string][] = [
      ['gbk', '您好，我的订单没有收到发票。'],
      ['gb2312', '退款什么时候到账？'],
      ['big5', '您好，我的訂單沒有收到發票。'],
      ['euc-kr', '안녕하세요, 환불은 언제 되나요?'],
      ['shift_jis', 'お世話になっております。請求書が届きません。'],
      ['euc-jp', '返金はいつになりますか。'],
      ['iso-2022-jp', 'ライセンスキーが届きません。'],
      ['windows-1251', 'Здравствуйте, где мой счёт?'],
    ];
    const raws = samples.map(([charset, text]) =>
      charset === 'iso-2022-jp'
        ? Buffer.from(readFileSync(join(PROJECT_ROOT, 'test/fixtures/mail/15-iso-2022-jp.eml')))
        : mail(charset, text),
    );
    const expected = await Promise.all(raws.map(async (raw) => (await simpleParser(raw)).text));
    expect(parseWithBundle(raws)).toEqual(expected);
    // The samples really are the languages they claim (ISO-2022-JP comes from the corpus file).
    for (const [i, [charset, text]] of samples.entries())
      if (charset !== 'iso-2022-jp') expect(expected[i]?.trim(), charset).toBe(text);
  });
});
