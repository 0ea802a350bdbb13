/*
 * File names (docs/cases.md#file-names): the one rule for the name a file is kept and downloaded under,
 * whoever named it. An upload whose name fails it is refused (400 on `fileName`); a mail attachment whose
 * name fails it is kept under a generated name instead, since mail is never refused.
 */

/** Longest name kept, in UTF-16 code units as the API counts them (`fileName` is 1–255 characters). */
export const MAX_FILE_NAME = 255;

/**
 * Dropped wherever they stand: control characters, format characters (zero-width ones, and the
 * bidirectional overrides that make `invoice\u202Efdp.exe` read as `invoiceexe.pdf`), lone surrogates,
 * and line and paragraph separators. None of them is visible in a name; all of them can fool a reader.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
/** Every other kind of space (no-break, ideographic, thin…) becomes a plain one. */
const SPACES = /\p{Zs}/gu;
/** A name is one path segment: with a separator in it, it is a path someone meant to be followed. */
const PATH_SEPARATOR = /[/\\]/;
/** `.`, `..`, `...`, ` . `: names that are no name at all, and the first two mean folders. */
const NO_NAME = /^[. ]*$/;
/** What counts as an extension worth keeping when a name is shortened or replaced. */
const EXTENSION = /\.[\p{L}\p{N}]{1,10}$/u;

export type FileNameCheck = { ok: true; name: string } | { ok: false; reason: string };

/**
 * The name a file is kept under: without invisible characters, spaces plain, Unicode NFC, trimmed, at
 * most `MAX_FILE_NAME` long (a longer one keeps its extension). Refused when it is a path, or when
 * nothing is left but dots and spaces. Idempotent: a kept name passes unchanged.
 */
export function checkFileName(raw: string): FileNameCheck {
  if (PATH_SEPARATOR.test(raw)) return { ok: false, reason: 'must be a file name, not a path' };
  const name = shorten(raw.replace(INVISIBLE, '').replace(SPACES, ' ').normalize('NFC').trim());
  if (NO_NAME.test(name))
    return { ok: false, reason: 'must name a file: not empty, not only dots or spaces' };
  return { ok: true, name };
}

/** At most `MAX_FILE_NAME` code units, whole code points only, the extension kept. */
function shorten(name: string): string {
  if (name.length <= MAX_FILE_NAME) return name;
  const extension = EXTENSION.exec(name)?.[0] ?? '';
  const stem = [...name.slice(0, name.length - extension.length)];
  let length = stem.join('').length;
  while (length + extension.length > MAX_FILE_NAME) length -= (stem.pop() as string).length;
  return `${stem.join('').trimEnd()}${extension}`;
}

/** Extensions for the media types mail most often carries, for a file whose own name was unusable. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/json': '.json',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'text/plain': '.txt',
  'text/csv': '.csv',
  'text/html': '.html',
  'message/rfc822': '.eml',
};

/**
 * The name a mail attachment is kept under: its own when the rule keeps it, otherwise
 * `attachment-<position>` (1-based, its place in the mail) with the extension its own name or its media
 * type gives, e.g. `attachment-2.pdf`.
 */
export function mailAttachmentName(raw: string, position: number, contentType: string): string {
  const own = checkFileName(raw);
  if (own.ok) return own.name;
  const lastSegment = raw.split(PATH_SEPARATOR).at(-1) ?? '';
  const extension =
    EXTENSION.exec(lastSegment)?.[0].toLowerCase() ?? EXTENSIONS[contentType.toLowerCase()] ?? '';
  return `attachment-${position}${extension}`;
}
