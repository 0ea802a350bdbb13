import {
  ATTRIBUTION_START,
  ATTRIBUTION_VERB,
  ATTRIBUTIONS,
  CLIENT_FOOTERS,
  FORWARD_INTROS,
  headerFieldKind,
  SEPARATORS,
} from './reply-patterns.ts';

/**
 * A line the HTML conversion writes where a client's own markup says "the original starts here" (an Outlook
 * reply header, Hotmail's rule): everything from it on is history. Private-use characters, so no one types it.
 */
export const HISTORY_MARKER = '\uE000history\uE000';

const isQuoted = (line: string) => line.trimStart().startsWith('>');
const isBlank = (line: string) => line.trim() === '';
/** A rule or a signature dash line: hyphens, underscores, equals signs. */
const isRule = (line: string) => /^[-_=*\u2013\u2014 ]+$/.test(line.trim());

/** How many lines (1 to 3) from `i` form an attribution line, or 0. */
function attributionLength(lines: readonly string[], i: number): number {
  const first = (lines[i] ?? '').trim();
  if (first === '' || isQuoted(first)) return 0;
  if (ATTRIBUTIONS.some((p) => p.test(first))) return 1;
  if (!ATTRIBUTION_START.test(first)) return 0;
  // Clients wrap long attributions: "On Mon, … Support <\ncase+…@…> wrote:".
  let joined = first;
  for (let n = 2; n <= 3; n++) {
    const next = (lines[i + n - 1] ?? '').trim();
    if (next === '' || isQuoted(next)) return 0;
    joined = `${joined} ${next}`;
    if (ATTRIBUTIONS.some((p) => p.test(joined))) return n;
  }
  return 0;
}

/** Is the line after the `length` lines from `i` (one blank line allowed) `>`-quoted? */
function introducesQuote(lines: readonly string[], i: number, length: number): boolean {
  let j = i + length;
  if (isBlank(lines[j] ?? '')) j++;
  return isQuoted(lines[j] ?? '');
}

/**
 * Any line that introduces a `>`-quoted block and reads like a reference to the original — ends with "wrote:"
 * (or its translation), or with a colon and names an address or a time — is an attribution too, in whatever
 * language: Mutt's "* Name <a@b> [2026-11-26 10:02]:", Gmail's Russian "чт, 26 нояб. 2026 г. в 10:02, Name <a@b>:".
 */
function genericAttributionLength(lines: readonly string[], i: number): number {
  if (isBlank(lines[i] ?? '') || isQuoted(lines[i] ?? '')) return 0;
  for (let n = 1; n <= 3; n++) {
    const joined = lines
      .slice(i, i + n)
      .map((l) => l.trim())
      .join(' ');
    if (n > 1 && (isBlank(lines[i + n - 1] ?? '') || isQuoted(lines[i + n - 1] ?? ''))) return 0;
    const reads = ATTRIBUTION_VERB.test(joined) || (/[:：]$/.test(joined) && /@|\d{1,2}:\d{2}/.test(joined));
    if (reads && joined.length <= 400 && introducesQuote(lines, i, n)) return n;
  }
  return 0;
}

/** Is line `i` the first of an Outlook-style block of the original's headers (From, Sent, To, Subject)? */
function isHeaderBlock(lines: readonly string[], i: number): boolean {
  const kinds = new Set<string>();
  let misses = 0;
  for (let j = i; j < Math.min(lines.length, i + 8) && misses < 2; j++) {
    const kind = headerFieldKind((lines[j] ?? '').trim());
    // The first line must be a field; a wrapped value ("[mailto:…]") may follow one.
    if (kind === undefined) {
      if (j === i) return false;
      misses++;
      continue;
    }
    misses = 0;
    kinds.add(kind);
  }
  return kinds.has('from') && kinds.size >= 3;
}

/**
 * Does an attribution name the original as clients write it — an address, a year or a numeric date — and
 * not only in words? "On Friday at 10:30 your colleague wrote:" is the customer's own sentence; "On Fri, 4
 * Dec 2026 at 10:02, Alice <a@b> wrote:" and "On 12/4/26 10:02, Alice wrote:" are a client's.
 */
function citesOriginal(lines: readonly string[], i: number, length: number): boolean {
  const joined = lines.slice(i, i + length).join(' ');
  return /@|\b\d{4}\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}/.test(joined);
}

/** Where the history that is not `>`-quoted begins: everything from that line on goes. */
function unquotedHistoryStart(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === HISTORY_MARKER || SEPARATORS.some((p) => p.test(line)) || isHeaderBlock(lines, i)) return i;
    const attribution = attributionLength(lines, i);
    if (attribution > 0 && !introducesQuote(lines, i, attribution) && citesOriginal(lines, i, attribution))
      return i;
  }
  return lines.length;
}

/** Drops blank lines, rules and client footers ("Sent from my iPhone") from the end. */
function trimTail(lines: string[]): string[] {
  const out = [...lines];
  for (;;) {
    const last = (out[out.length - 1] ?? '').trim();
    if (out.length > 0 && (last === '' || isRule(last) || CLIENT_FOOTERS.some((p) => p.test(last))))
      out.pop();
    else return out;
  }
}

/** Unix line ends, no trailing blanks, at most one empty line in a row, trimmed: what every result is in. */
function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The customer's new text of a reply (docs/mail.md#message-text-and-quoted-history). Removed:
 *   - everything from where an unquoted original begins: an attribution line ("On … wrote:" and its forms in
 *     the languages of reply-patterns.ts) with the original not `>`-quoted under it, a separator
 *     ("-----Original Message-----"), an Outlook-style block of the original's headers, or the marker the
 *     HTML conversion leaves at a client's reply header;
 *   - every attribution line that introduces a `>`-quoted block;
 *   - `>`-quoted lines after the last new line (top-posting), and before the first new line when the reply is
 *     one block under the quote (bottom-posting). An interleaved reply (new text, quote, new text) keeps the
 *     quoted lines between its answers, and those before the first, since answers mean little without them;
 *   - client footers ("Sent from my iPhone", "Get Outlook for iOS") and rules left at the end.
 * A signature under a "-- " line below everything stays, after the new text.
 *
 * A forward is not history: from a forward's first line ("Begin forwarded message:", "---------- Forwarded
 * message ---------") on, the text is kept, after the sender's own words, and a mail its subject calls a
 * forward ("Fwd:", "WG:", "TR:" …) keeps its whole text. When nothing new is left of a reply (`kind`:
 * its subject or its headers say it answers a mail), nothing is what it says (a photo sent with a quote
 * under it); of anything else, the full text is kept, so a new mail that quotes something keeps it.
 */
export function stripQuotedHistory(text: string, kind: 'reply' | 'forward' | null = null): string {
  const full = normaliseText(text.replaceAll(HISTORY_MARKER, ''));
  const all = normaliseText(text).split('\n');
  const historyStart = unquotedHistoryStart(all);
  const forwardStart = all.findIndex((l) => FORWARD_INTROS.some((p) => p.test(l.trim())));
  if (forwardStart !== -1 && forwardStart <= historyStart) {
    const own = forwardStart > 0 ? stripQuotedHistory(all.slice(0, forwardStart).join('\n'), 'reply') : '';
    // Apple Mail quotes what it forwards; it is the sender's to pass on, so it reads unquoted.
    const forwarded = all.slice(forwardStart).map((l) => l.replace(/^>\s?/, ''));
    return normaliseText([own, forwarded.join('\n').replaceAll(HISTORY_MARKER, '')].join('\n\n'));
  }
  if (kind === 'forward') return full;
  return stripReply(all, historyStart, kind === 'reply' ? '' : full);
}

/** The new text of a reply whose unquoted history starts at `historyStart`; `empty` when none is left. */
function stripReply(all: string[], historyStart: number, empty: string): string {
  let lines = all.slice(0, historyStart);

  // A signature at the very end, under all quotes (Mutt, Thunderbird), is set aside and put back after the text.
  const delimiter = lines.lastIndexOf('--');
  let signature: string[] = [];
  if (delimiter > 0 && !lines.slice(delimiter).some(isQuoted) && lines.slice(0, delimiter).some(isQuoted)) {
    signature = lines.slice(delimiter);
    lines = lines.slice(0, delimiter);
  }

  // Attribution lines of quoted blocks go, whatever their language.
  const kept: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const known = attributionLength(lines, i);
    const n = known > 0 && introducesQuote(lines, i, known) ? known : genericAttributionLength(lines, i);
    if (n > 0) i += n;
    else kept.push(lines[i++] ?? '');
  }

  // New text runs: where the unquoted, non-blank lines are.
  const isNew = (l: string) => !isBlank(l) && !isQuoted(l);
  const first = kept.findIndex(isNew);
  const last = kept.findLastIndex(isNew);
  let body: string[] = [];
  if (first !== -1) {
    const interleaved = kept.slice(first, last + 1).some(isQuoted);
    body = kept.slice(interleaved ? 0 : first, last + 1);
  }
  body = trimTail(body);
  if (body.some((l) => !isBlank(l)) && signature.length > 0) body = [...body, '', ...signature];
  const result = normaliseText(body.join('\n'));
  return result === '' ? empty : result;
}
