const ATTRIBUTION = [
  /^On\b.{0,400}\bwrote:\s*$/i,
  /^Am\b.{0,400}\bschrieb\b.{0,200}:\s*$/i,
  /^Le\b.{0,400}\ba écrit\s*:\s*$/i,
  /^El\b.{0,400}\bescribió:\s*$/i,
];
const SEPARATOR = [/^-{2,}\s*Original Message\s*-{2,}\s*$/i, /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i];
const HEADER_BLOCK_START = /^\*?(From|Von|De):\*?\s+\S/i;
const HEADER_BLOCK_NEXT = /^\*?(Sent|Date|Gesendet|Envoyé|To|Subject|Cc):\*?\s/i;
const UNDERSCORE_RULE = /^_{10,}\s*$/;

function isAttribution(lines: string[], i: number): boolean {
  const line = (lines[i] ?? '').trim();
  if (ATTRIBUTION.some((p) => p.test(line))) return true;
  // Attribution lines are often wrapped: "On Mon, … Support <case+…@…>\n wrote:".
  const next = lines[i + 1]?.trim();
  if (next === undefined || line === '') return false;
  const joined = `${line} ${next}`;
  return /^(On|Am|Le|El)\b/i.test(line) && ATTRIBUTION.some((p) => p.test(joined));
}

function isOutlookHeaderBlock(lines: string[], i: number): boolean {
  if (!HEADER_BLOCK_START.test((lines[i] ?? '').trim())) return false;
  let fields = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 5); j++)
    if (HEADER_BLOCK_NEXT.test((lines[j] ?? '').trim())) fields++;
  return fields >= 2;
}

function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (isAttribution(lines, i)) return i;
    if (SEPARATOR.some((p) => p.test(line))) return i;
    if (UNDERSCORE_RULE.test(line) && isOutlookHeaderBlock(lines, i + 1)) return i;
    if (isOutlookHeaderBlock(lines, i)) return i;
  }
  return lines.length;
}

/** Unix line ends, no trailing blanks, at most one empty line in a row, trimmed: what both results are in. */
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
 * Removes the quoted history a mail client appends under a reply, where it can be recognised reliably:
 * an attribution line ("On … wrote:", as Gmail and Apple Mail write it, plus a few localised forms),
 * Outlook's "-----Original Message-----" separator or its "From: … / Sent: …" header block, and a
 * trailing block of ">"-quoted lines. When nothing is left after removal the full text is kept, so a
 * forwarded message without a comment never loses its content.
 */
export function stripQuotedHistory(text: string): string {
  const full = normaliseText(text);
  const all = full.split('\n');
  const lines = all.slice(0, historyStart(all));
  // A trailing ">"-quoted block (and the blank lines around it) is history too.
  while (lines.length > 0) {
    const last = (lines[lines.length - 1] ?? '').trim();
    if (last === '' || last.startsWith('>')) lines.pop();
    else break;
  }
  const kept = lines.join('\n').trim();
  return kept === '' ? full : kept;
}
