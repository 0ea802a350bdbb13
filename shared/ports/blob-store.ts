/** Where attachments go: S3 in AWS, a folder under the local runtime. Uploads go straight from the client. */
export interface BlobStore {
  /** A URL the client PUTs the file to, valid until `expiresAt`, bound to the content type and size. */
  presignUpload(key: string, contentType: string, size: number): Promise<{ url: string; expiresAt: Date }>;
  presignDownload(key: string): Promise<{ url: string; expiresAt: Date }>;
  /** Stores a file casewatch received itself (an email attachment). */
  put(key: string, content: Uint8Array, contentType: string): Promise<void>;
}

/** Where an attachment's bytes live: one key per case, attachment and file name. */
export function attachmentKey(caseId: string, attachmentId: string, fileName: string): string {
  return `cases/${caseId}/${attachmentId}/${encodeURIComponent(fileName)}`;
}
