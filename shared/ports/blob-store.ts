/** What is stored under a key, as the store itself says. */
export interface StoredObject {
  size: number;
  contentType: string;
}

/**
 * Where attachments go: S3 in AWS, a folder under the local runtime. Uploads and downloads go straight
 * between the client and the store, through short-lived signed URLs.
 */
export interface BlobStore {
  /** A URL the client PUTs the file to, valid until `expiresAt`, bound to the content type and size. */
  presignUpload(key: string, contentType: string, size: number): Promise<{ url: string; expiresAt: Date }>;
  /**
   * A URL the client GETs the file from, valid until `expiresAt`, answered with `contentType` and a
   * `Content-Disposition` that saves it as `fileName` (`attachmentDisposition`).
   */
  presignDownload(
    key: string,
    file: { fileName: string; contentType: string },
  ): Promise<{ url: string; expiresAt: Date }>;
  /** Stores a file casewatch received itself (an email attachment). */
  put(key: string, content: Uint8Array, contentType: string): Promise<void>;
  /** What is stored under the key; null when nothing is. */
  describe(key: string): Promise<StoredObject | null>;
}

/** RFC 8187's attr-char: what `filename*` may carry unencoded (`encodeURIComponent` also leaves `'()*`). */
const encodeExtValue = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `Content-Disposition` that makes a browser save the file under its name (RFC 6266): `attachment`, the
 * exact name as UTF-8 in `filename*`, and an ASCII `filename` for clients that read only that one —
 * accents dropped, anything else outside printable ASCII (and `"`, `\`, `%`, which some clients read
 * as escapes) replaced by `_`.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(fileName)}`;
}

/** The case and attachment an attachment key belongs to (the inverse of `attachmentKey`), or null. */
export function attachmentOfKey(key: string): { caseId: string; attachmentId: string } | null {
  const m = /^cases\/([^/]+)\/([^/]+)\/[^/]+$/.exec(key);
  return m ? { caseId: m[1] as string, attachmentId: m[2] as string } : null;
}

/** Encoded file names longer than this are shortened in keys (S3 keys stop at 1,024 bytes, file names at 255). */
const MAX_KEY_NAME = 120;

/**
 * Where an attachment's bytes live: one key per case, attachment and file name. The attachment id
 * makes the key unique, so a very long name is shortened (keeping its extension) rather than refused.
 */
export function attachmentKey(caseId: string, attachmentId: string, fileName: string): string {
  let name = encodeURIComponent(fileName);
  if (name.length > MAX_KEY_NAME) {
    const dot = fileName.lastIndexOf('.');
    const extension = dot > 0 && fileName.length - dot <= 10 ? encodeURIComponent(fileName.slice(dot)) : '';
    let stem = fileName.slice(0, dot > 0 && extension ? dot : fileName.length);
    while (encodeURIComponent(stem).length + extension.length > MAX_KEY_NAME)
      stem = [...stem].slice(0, -1).join('');
    name = `${encodeURIComponent(stem)}${extension}`;
  }
  return `cases/${caseId}/${attachmentId}/${name}`;
}
