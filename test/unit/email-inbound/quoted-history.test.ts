import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HISTORY_MARKER, stripQuotedHistory } from '../../../shared/adapters/email-inbound/quoted-history.ts';

const ADDRESS = 'case+01JD3ZK8Q4W5X6Y7Z8A9B0C1D2.kq3vx9mz2plw@in.casewatch.example';
const quoted = (text: string) =>
  text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');

describe('quoted history rules', () => {
  it('bottom-posting: the quote and its attribution above the answer go', () => {
    const text = `On 26/11/2026 10:02, Casewatch Support wrote:\n> Which order?\n> Alice\n\nFS-2611-5530-1198, thanks.`;
    expect(stripQuotedHistory(text)).toBe('FS-2611-5530-1198, thanks.');
  });

  it('interleaving: the quoted questions between the answers stay, the quote after the last answer goes', () => {
    const text = `* Support <${ADDRESS}> [2026-11-26 10:02]:\n> Which order?\n\nFS-1\n\n> Which card?\n\nVisa\n\n> Regards,\n> Alice`;
    expect(stripQuotedHistory(text)).toBe('> Which order?\n\nFS-1\n\n> Which card?\n\nVisa');
  });

  it('interleaving: a quoted question that ends in a colon and names a time is kept, not taken for an attribution', () => {
    const text = '> We saw two charges at 10:02:\n> FS-1 and FS-2\nFS-2 is not mine.\n> Anything else?\nNo.';
    expect(stripQuotedHistory(text)).toBe(text);
  });

  it('an attribution in any language is dropped when a quote follows it (it names an address or a time)', () => {
    const text = `Спасибо!\n\nчт, 26 нояб. 2026 г. в 10:02, Casewatch Support <${ADDRESS}>:\n\n> Здравствуйте`;
    expect(stripQuotedHistory(text)).toBe('Спасибо!');
  });

  it('a line ending in a colon without an address or time is the customer’s, even above a quote', () => {
    const text = 'You asked:\n> Which card?\nThe Visa.';
    expect(stripQuotedHistory(text)).toBe(text);
  });

  it('an unquoted original under a known attribution goes (Yahoo’s text part)', () => {
    const text = `Refund one of them.\n\n On Thursday, November 26, 2026 at 10:02 AM GMT, Support <${ADDRESS}> wrote:\n\nHello Linda,\nWhich order?`;
    expect(stripQuotedHistory(text)).toBe('Refund one of them.');
  });

  it.each([
    ['From:', 'Sent:', 'To:', 'Subject:'],
    ['*From:*', '*Sent:*', '*To:*', '*Subject:*'],
    ['Von:', 'Gesendet:', 'An:', 'Betreff:'],
    ['De :', 'Envoyé :', 'À :', 'Objet :'],
    ['De:', 'Enviado el:', 'Para:', 'Asunto:'],
    ['Da:', 'Inviato:', 'A:', 'Oggetto:'],
    ['От:', 'Отправлено:', 'Кому:', 'Тема:'],
    ['差出人:', '送信日時:', '宛先:', '件名:'],
  ])('an Outlook header block %s … %s cuts the original', (from, sent, to, subject) => {
    const text = `New words.\n\n________________________________\n${from} Support <${ADDRESS}>\n${sent} 26.11.2026 10:02\n${to} Pat\n${subject} [CW-7K3M9Q] Refund\n\nOriginal words.`;
    expect(stripQuotedHistory(text)).toBe('New words.');
  });

  it('a header block may start with its date (GMX, Hotmail)', () => {
    const text = `Neue Worte.\n\nGesendet: Donnerstag, 26. November 2026 um 10:02 Uhr\nVon: "Support" <${ADDRESS}>\nAn: klaus@gmx.de\nBetreff: Abbuchung\n\nAlt.`;
    expect(stripQuotedHistory(text)).toBe('Neue Worte.');
  });

  it('two header-like lines of the customer’s own are no header block', () => {
    const text = 'Please see below.\nFrom: my accountant\nSubject: the refund\n\nPlease help.';
    expect(stripQuotedHistory(text)).toBe(text);
  });

  it.each([
    'Sent from my iPhone',
    'Von meinem iPhone gesendet',
    'Envoyé de mon iPhone',
    'Enviado desde mi Galaxy',
    'Inviato da iPhone',
    'Отправлено с iPhone',
    'iPhoneから送信',
    'Get Outlook for iOS<https://aka.ms/o0ukef>',
  ])('the client footer %j at the end of the new text goes', (footer) => {
    expect(stripQuotedHistory(`Yes, that one.\n\n${footer}\n\n> On Thu wrote:\n> Hello`)).toBe(
      'Yes, that one.',
    );
  });

  it('a footer within the text is the customer’s', () => {
    const text = 'Sent from my iPhone\nis how my mails end; this one is typed on a laptop.';
    expect(stripQuotedHistory(text)).toBe(text);
  });

  it('a signature under all the quotes stays, after the new text', () => {
    const text = 'Jo Lindqvist wrote:\n> Which order?\n\nFS-1\n\n> Regards\n\n-- \nJo Lindqvist';
    expect(stripQuotedHistory(text)).toBe('FS-1\n\n--\nJo Lindqvist');
  });

  it('the HTML conversion’s marker cuts the text, and never shows', () => {
    expect(stripQuotedHistory(`Hello\n\n${HISTORY_MARKER}\n\nFrom: x`)).toBe('Hello');
    expect(stripQuotedHistory(`${HISTORY_MARKER}\nonly the original`)).toBe('only the original');
  });
});

/** Words of the seven languages and order-like references; no line starts with ">" or ends with ":". */
const WORD = fc.constantFrom(
  'refund',
  'order',
  'FS-2611-4471-9023',
  'Visa',
  '4417',
  'Bestellnummer',
  'Grüße',
  'commande',
  'numéro',
  'pedido',
  'tarjeta',
  'ordine',
  'carta',
  'заказ',
  'карта',
  '注文番号',
  'カード',
  '10:02',
  'a@b.example',
  'thanks,',
  'please.',
  '(again)',
);
const LINE = fc.array(WORD, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
/** Paragraphs of lines, as the result is written: no trailing blanks, one empty line between paragraphs. */
const NEW_TEXT = fc
  .array(fc.array(LINE, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 })
  .map((paragraphs) => paragraphs.map((lines) => lines.join('\n')).join('\n\n'));
const NAME = fc.constantFrom('Casewatch Support', 'Alice', '"Support, Casewatch"', 'Алиса', 'サポート');
const ORIGINAL = fc
  .array(fc.oneof(fc.string({ maxLength: 60 }), LINE), { minLength: 1, maxLength: 6 })
  // Unquoted, an original whose first line started with ">" would read as a quoted one.
  .map((lines) => lines.map((l) => l.replace(/[\r\n]/g, ' ').replace(/^[\s>]+/, '')).join('\n'));

/** Attribution lines as the clients write them, by client and language: each cuts an original, quoted or not. */
const ATTRIBUTION = fc.tuple(NAME, fc.boolean()).chain(([name, wrap]) => {
  const who = wrap ? `${name} <\n${ADDRESS}>` : `${name} <${ADDRESS}>`;
  return fc.constantFrom(
    `On Thu, Nov 26, 2026 at 10:02 AM ${who} wrote:`,
    `Am 26.11.2026 um 10:02 schrieb ${who}:`,
    `Le jeu. 26 nov. 2026 à 10:02, ${who} a écrit :`,
    `El jue, 26 nov 2026 a las 10:02, ${who} escribió:`,
    `Il giorno gio 26 nov 2026 alle ore 10:02 ${who} ha scritto:`,
    `26 ноября 2026 г., 10:02 пользователь ${who} написал:`,
    `четверг, 26 ноября 2026 г., 10:02:18 GMT+3, ${who} написал(а):`,
    `Четверг, 26 ноября 2026, 10:02 +03:00 от ${who}:`,
    `26.11.2026, 10:02, ${who}:`,
    `2026年11月26日(木) 10:02 ${who}:`,
    `2026/11/26 10:02、${who}のメール:`,
  );
});
/** Attribution lines known only by their shape (an address or a time, a colon): they go over a quoted original. */
const ANY_ATTRIBUTION = fc.oneof(
  ATTRIBUTION,
  fc.constantFrom(
    `* Casewatch Support <${ADDRESS}> [2026-11-26 10:02 +0000]:`,
    `чт, 26 нояб. 2026 г. в 10:02, Casewatch Support <${ADDRESS}>:`,
    `26.11.2026 10:02, Casewatch Support пишет:`,
    'Casewatch Support wrote:',
  ),
);
/** Blocks after which everything is history, quoted or not. */
const HISTORY_HEAD = fc.constantFrom(
  '-----Original Message-----',
  '-------- Mensaje original --------',
  '----- Mail original -----',
  `________________________________\nFrom: Support <${ADDRESS}>\nSent: Thursday, November 26, 2026 10:02 AM\nTo: Pat\nSubject: Re: refund`,
  `*From:* Support <${ADDRESS}>\n*Sent:* Thursday, November 26, 2026 10:02 AM\n*To:* Pat\n*Subject:* Re: refund`,
  `De : Support [mailto:${ADDRESS}]\nEnvoyé : jeudi 26 novembre 2026 10:02\nÀ : Claire\nObjet : RE: remboursement`,
  `Von: Support <${ADDRESS}>\nGesendet: Donnerstag, 26. November 2026 10:02\nAn: Jörg\nBetreff: AW: Erstattung`,
  `От: Support <${ADDRESS}>\nОтправлено: 26 ноября 2026 г. 10:02\nКому: Ольга\nТема: RE: возврат`,
  `差出人: Support [mailto:${ADDRESS}]\n送信日時: 2026年11月26日 10:02\n宛先: 鈴木\n件名: RE: 返金`,
  `On Thursday, November 26, 2026 at 10:02 AM GMT, Support <${ADDRESS}> wrote:`,
  `Il 26/11/2026 10:02, Support ha scritto:`,
);
const HEAD = fc.oneof(HISTORY_HEAD, ATTRIBUTION);
const FOOTER = fc.constantFrom(
  '',
  '\n\nSent from my iPhone',
  '\n\nVon meinem iPhone gesendet',
  '\n\niPhoneから送信',
);

describe('quoted history, for any new text', () => {
  it('top-posted: new text, an attribution and a quoted original yield exactly the new text', () => {
    fc.assert(
      fc.property(NEW_TEXT, FOOTER, ANY_ATTRIBUTION, ORIGINAL, (text, footer, head, original) => {
        expect(stripQuotedHistory(`${text}${footer}\n\n${head}\n\n${quoted(original)}\n`)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('top-posted: new text, a known attribution, separator or header block and the original, quoted or not, yield the new text', () => {
    fc.assert(
      fc.property(NEW_TEXT, FOOTER, HEAD, ORIGINAL, fc.boolean(), (text, footer, head, original, q) => {
        const history = q ? quoted(original) : original;
        expect(stripQuotedHistory(`${text}${footer}\r\n\r\n${head}\r\n\r\n${history}`)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('bottom-posted: an attribution, a quoted original and then new text yield exactly the new text', () => {
    fc.assert(
      fc.property(ANY_ATTRIBUTION, ORIGINAL, NEW_TEXT, fc.boolean(), (head, original, text, blank) => {
        expect(stripQuotedHistory(`${head}\n${blank ? '\n' : ''}${quoted(original)}\n\n${text}\n`)).toBe(
          text,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never loses a mail that has words unless it is a reply: the result is never empty', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        fc.pre(text.trim() !== '');
        expect(stripQuotedHistory(text)).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('a forward is never emptied, however its sender wrote nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        fc.pre(text.trim() !== '');
        expect(stripQuotedHistory(text, 'forward')).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('a reply with nothing new under its quote is empty, not our own mail again (a photo sent by itself)', () => {
    const quoted =
      'Sent from my iPhone\n\n> On Dec 6, 2026, at 10:00, casewatch support <support@mail.example> wrote:\n>\n> Your case number is CW-7M24W0.\n> View case CW-7M24W0: https://portal.example/case/CW-7M24W0#token=abc';
    expect(stripQuotedHistory(quoted, 'reply')).toBe('');
  });

  it('a new mail that only quotes something keeps it: it is not a reply with nothing new', () => {
    const quoted = '> Your payment could not be processed (code 51).\n> Please contact your bank.';
    expect(stripQuotedHistory(quoted)).toBe(quoted);
    expect(stripQuotedHistory(quoted, 'reply')).toBe('');
  });

  it('keeps what is forwarded, under the sender’s own words, in Gmail’s and Apple Mail’s layouts', () => {
    const gmail =
      'I never ordered this, please refund.\n\n---------- Forwarded message ---------\nFrom: ACME Store <orders@acme.example>\nDate: Fri, Dec 4, 2026 at 9:12 AM\nSubject: Your receipt\nTo: <pat@example.net>\n\nOrder FS-2612-0042, charged as FSPRG*ACMEPHOTO.';
    expect(stripQuotedHistory(gmail, 'forward')).toBe(gmail);
    expect(stripQuotedHistory(gmail)).toBe(gmail);
    const apple =
      'Charged again today!!\n\nSent from my iPhone\n\nBegin forwarded message:\n\n> From: ACME Store <orders@acme.example>\n> Date: December 4, 2026 at 09:12:00 PST\n> Subject: Your receipt\n>\n> Order FS-2612-0043.';
    expect(stripQuotedHistory(apple, 'forward')).toBe(
      'Charged again today!!\n\nBegin forwarded message:\n\nFrom: ACME Store <orders@acme.example>\nDate: December 4, 2026 at 09:12:00 PST\nSubject: Your receipt\n\nOrder FS-2612-0043.',
    );
  });

  it('a customer’s own sentence that reads like an attribution does not cut their message', () => {
    const text =
      'Hi,\nOn Friday your colleague wrote:\n"you will get the key today"\nbut nothing arrived. My order number is FS-31337.';
    expect(stripQuotedHistory(text, 'reply')).toBe(text);
  });
});
