/*
 * Web addresses in someone's words, so the portal and our mail make the same ones links. Pure.
 */

/**
 * `https://…` or `http://…`, up to a space, a quote or a bracket (an address written in parentheses or
 * brackets ends there); trailing punctuation (".", ",", "!" …) stays text.
 */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`()[\]{}]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

export type TextPart = { text: string } | { url: string };

/** The text as runs of words and web addresses, in order; joined, they are the text again. */
export function withLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (url.length <= 'https://'.length) continue;
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ url });
    at = match.index + url.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}
