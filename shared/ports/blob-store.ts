/** Where attachments go: S3 in AWS, a folder under the local runtime. Uploads go straight from the client. */
export interface BlobStore {
  /** A URL the client PUTs the file to, valid until `expiresAt`, bound to the content type and size. */
  presignUpload(key: string, contentType: string, size: number): Promise<{ url: string; expiresAt: Date }>;
  presignDownload(key: string): Promise<{ url: string; expiresAt: Date }>;
  /** Stores a file casewatch received itself (an email attachment). */
  put(key: string, content: Uint8Array, contentType: string): Promise<void>;
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
