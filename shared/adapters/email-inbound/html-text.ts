import { compile, type FormatCallback } from 'html-to-text';
import { HISTORY_MARKER } from './quoted-history.ts';

/**
 * Text of an HTML-only mail for reply extraction (docs/mail.md#message-text-and-quoted-history). html-to-text
 * (mailparser's own converter, so already in the bundle) does the conversion; what the clients' markup says
 * about the quoted original is kept in the text, where `stripQuotedHistory` reads it:
 *   - a container that holds the quoted original (a blockquote, Gmail's `gmail_quote`, Yahoo's
 *     `yahoo_quoted`, GMX's `name="quote"`) becomes `>`-quoted lines, so new text after it (bottom-posting)
 *     stays new text;
 *   - a client's reply header, after which the original follows as plain siblings (Outlook's border-top
 *     block, Outlook on the web's `divRplyFwdMsg`, Hotmail's `stopSpelling` rule, Zimbra's divider), becomes
 *     HISTORY_MARKER: everything from it on is history.
 * Paragraphs of Outlook (`MsoNormal`, margin 0) are single lines, as they look; lines are not wrapped.
 */
export function htmlReplyText(html: string): string {
  // htmlparser2 takes time quadratic in nesting depth; such markup is no reply worth reading.
  if (html.length > MAX_HTML_LENGTH || nestedDeeperThan(html, MAX_NESTING)) return '';
  converter ??= compile({
    wordwrap: false,
    formatters: { mailBlock, mailRule },
    selectors: [
      { selector: 'div', format: 'mailBlock' },
      { selector: 'hr', format: 'mailRule' },
      {
        selector: 'p.MsoNormal',
        format: 'paragraph',
        options: { leadingLineBreaks: 1, trailingLineBreaks: 1 },
      },
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
    limits: { maxDepth: MAX_NESTING },
  });
  try {
    return converter(html);
  } catch {
    // HTML that cannot be converted is no reason to lose the message: it stays archived, the text is empty.
    return '';
  }
}

const MAX_HTML_LENGTH = 2_000_000;
const MAX_NESTING = 1000;
let converter: ((html: string) => string) | undefined;

type Elem = Parameters<FormatCallback>[0];
const attr = (elem: Elem, name: string) => (elem.attribs?.[name] ?? '').toLowerCase();
const classes = (elem: Elem) => attr(elem, 'class').split(/\s+/);

/** A client's own header above the original; the original follows it as siblings. */
function isReplyHeader(elem: Elem): boolean {
  const id = attr(elem, 'id');
  if (id === 'divrplyfwdmsg' || id === 'appendonsend' || classes(elem).includes('outlookmessageheader'))
    return true;
  // Outlook 2007–365: <div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
  const style = attr(elem, 'style').replace(/\s+/g, '');
  return /border-top:solid#(e1e1e1|b5c4df)/.test(style) && /border:none/.test(style);
}

/** A container holding the quoted original. */
function isQuoteContainer(elem: Elem): boolean {
  const cls = classes(elem);
  return cls.includes('gmail_quote') || cls.includes('yahoo_quoted') || attr(elem, 'name') === 'quote';
}

const marker: FormatCallback = (_elem, _walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(HISTORY_MARKER);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

const mailBlock: FormatCallback = (elem, walk, builder, options) => {
  if (isReplyHeader(elem)) return marker(elem, walk, builder, options);
  if (isQuoteContainer(elem)) {
    builder.openBlock({ leadingLineBreaks: 2, reservedLineLength: 2 });
    walk(elem.children, builder);
    builder.closeBlock({
      trailingLineBreaks: 2,
      blockTransform: (text) =>
        text
          .replace(/^\n+|\n+$/g, '')
          .split('\n')
          .map((line) => `> ${line}`)
          .join('\n'),
    });
    return;
  }
  builder.openBlock({ leadingLineBreaks: 1 });
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 1 });
};

const mailRule: FormatCallback = (elem, walk, builder, options) => {
  const id = attr(elem, 'id');
  if (id === 'stopspelling' || id === 'zwchr' || attr(elem, 'data-marker') === '__divider__')
    return marker(elem, walk, builder, options);
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral('-'.repeat(40));
  builder.closeBlock({ trailingLineBreaks: 2 });
};

const VOID = new Set('area base br col embed hr img input link meta param source track wbr'.split(' '));
/** Closed implicitly by a sibling (p after p), so an unclosed run of them does not nest. */
const IMPLIED_END = new Set('p li dt dd option optgroup tr td th thead tbody tfoot rt rp'.split(' '));

/**
 * Does `html` nest elements deeper than `max`, as htmlparser2 would build it? One linear pass: a start tag
 * opens an element, an end tag closes down to the nearest open element of its name and is ignored otherwise.
 */
export function nestedDeeperThan(html: string, max: number): boolean {
  const stack: string[] = [];
  const open = new Map<string, number>();
  for (const m of html.matchAll(/<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][\w:-]*)[^>]*>/g)) {
    const name = m[2]?.toLowerCase();
    if (name === undefined || VOID.has(name) || IMPLIED_END.has(name)) continue;
    if (m[1] === '/') {
      if (!open.get(name)) continue;
      for (;;) {
        const top = stack.pop() as string;
        open.set(top, (open.get(top) ?? 1) - 1);
        if (top === name) break;
      }
    } else {
      stack.push(name);
      open.set(name, (open.get(name) ?? 0) + 1);
      if (stack.length > max) return true;
    }
  }
  return false;
}
