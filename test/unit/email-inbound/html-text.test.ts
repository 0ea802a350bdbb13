import { describe, expect, it } from 'vitest';
import { readInbound } from '../../../shared/adapters/email-inbound/classify.ts';
import { htmlReplyText, nestedDeeperThan } from '../../../shared/adapters/email-inbound/html-text.ts';
import { HISTORY_MARKER, stripQuotedHistory } from '../../../shared/adapters/email-inbound/quoted-history.ts';

const reply = (html: string) => stripQuotedHistory(htmlReplyText(html));

describe('HTML-only replies', () => {
  it('quote containers become quoted lines, so text after them stays (Gmail, bottom-posted)', () => {
    const html =
      '<div class="gmail_quote"><div class="gmail_attr">Le jeu. 26 nov., Support a écrit :</div>' +
      '<blockquote class="gmail_quote">Quelle commande ?</blockquote></div><div>FS-1, merci.</div>';
    expect(htmlReplyText(html)).toBe(
      '> Le jeu. 26 nov., Support a écrit :\n> \n> > Quelle commande ?\n\nFS-1, merci.',
    );
    expect(reply(html)).toBe('FS-1, merci.');
  });

  it.each([
    ['Yahoo', '<div class="yahoo_quoted">On Thursday, Support wrote:<div>Which order?</div></div>'],
    ['GMX', '<div name="quote"><b>Gesendet:</b> Donnerstag<br><b>Von:</b> Support</div>'],
    ['Apple Mail', '<blockquote type="cite"><div>On 26 Nov, Support wrote:</div>Which order?</blockquote>'],
  ])('%s: the quote container under the new text goes', (_client, quote) => {
    expect(reply(`<div>FS-2611-1</div><div><br></div>${quote}`)).toBe('FS-2611-1');
  });

  it.each([
    [
      'Outlook',
      '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p>x</p></div>',
    ],
    ['Outlook 2010', "<div style='border:none; border-top:solid #B5C4DF 1.0pt'><p>x</p></div>"],
    ['Outlook on the web', '<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg">x</div>'],
    ['Outlook 2003', '<div class="OutlookMessageHeader">-----Message d\'origine-----</div>'],
    ['Hotmail', '<hr id="stopSpelling">Fecha: hoy'],
    ['Zimbra', '<hr id="zwchr" data-marker="__DIVIDER__">'],
  ])('%s: the reply header cuts the original that follows it, in any language', (_client, header) => {
    const html = `<p class="MsoNormal">Neue Worte.</p>${header}<p class="MsoNormal">Ursprüngliche Worte.</p>`;
    expect(htmlReplyText(html)).toContain(HISTORY_MARKER);
    expect(reply(html)).toBe('Neue Worte.');
  });

  it('Outlook paragraphs are lines, as they look; a plain rule is only a rule', () => {
    const html =
      '<p class=MsoNormal>Regards,<o:p></o:p></p><p class=MsoNormal>Brian<o:p></o:p></p><hr><p>More</p>';
    expect(htmlReplyText(html)).toBe(`Regards,\nBrian\n\n${'-'.repeat(40)}\n\nMore`);
  });

  it('links keep their address unless it is their text; images are left out', () => {
    expect(htmlReplyText('<a href="https://x.example/a">the page</a> <img src="cid:logo" alt="logo">')).toBe(
      'the page [https://x.example/a]',
    );
    expect(htmlReplyText('<a href="mailto:a@b.example">a@b.example</a>')).toBe('a@b.example');
  });

  it('refuses markup nested too deep to parse in time, and answers at once', () => {
    const started = performance.now();
    expect(nestedDeeperThan('<b>'.repeat(200_000), 1000)).toBe(true);
    expect(nestedDeeperThan('<b></i>'.repeat(100_000), 1000)).toBe(true);
    expect(htmlReplyText('<b>'.repeat(200_000))).toBe('');
    expect(performance.now() - started).toBeLessThan(2000);
    // Elements closed implicitly or by a parent's end tag do not nest.
    expect(nestedDeeperThan('<p>x'.repeat(5000), 1000)).toBe(false);
    expect(nestedDeeperThan('<div><font><b>x</div>'.repeat(5000), 1000)).toBe(false);
  });

  it('an HTML-only message whose HTML cannot be read is still a mail, not a quarantined one', async () => {
    const raw = Buffer.from(
      `From: pat@example.net\r\nTo: support@in.casewatch.example\r\nSubject: hi\r\nContent-Type: text/html\r\n\r\n${'<b>'.repeat(5000)}`,
    );
    expect(await readInbound(raw)).toMatchObject({ kind: 'mail', text: '' });
  });

  it('a message with an empty text part and an HTML part is read from its HTML', async () => {
    const raw = Buffer.from(
      [
        'From: pat@example.net',
        'To: support@in.casewatch.example',
        'Subject: hi',
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        ' ',
        '--b',
        'Content-Type: text/html',
        '',
        '<div>FS-2611-4471-9023</div><div class="gmail_quote">On Thu, Support wrote:<blockquote>x</blockquote></div>',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(await readInbound(raw)).toMatchObject({ kind: 'mail', text: 'FS-2611-4471-9023' });
  });
});
