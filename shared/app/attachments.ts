import { type AttachedFile, recordArrivedFile } from '../domain/changes/attachment.ts';
import { refuseIfClosed } from '../domain/changes/decision.ts';
import { checkFileName } from '../domain/file-name.ts';
import { toInstant } from '../domain/instant.ts';
import { settleDue } from '../domain/settle.ts';
import type { Visibility } from '../domain/timeline.ts';
import { attachmentKey, attachmentOfKey, type BlobStore } from '../ports/blob-store.ts';
import { AlreadyAppliedError, type AttachmentRecord } from '../ports/case-store.ts';
import type { Actor } from './actor.ts';
import { eventActor, isRequester, visibleOr404 } from './case-access.ts';
import { changeCase } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import {
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  refusedError,
  ValidationError,
} from './errors.ts';

/*
 * Attachments (docs/cases.md#attachments): an upload is asked for, its file arrives in the blob store
 * straight from the client and is recorded then, and it is downloaded through a short-lived URL.
 */

/** A file already in the blob store whose case write is still to come (a mail's attachments). */
export interface StoredFile extends AttachedFile {
  blobKey: string;
}

/** The records of files a change adds to case `caseId`, as visible as the change makes them. */
export function attachmentRecords(
  caseId: string,
  files: readonly StoredFile[],
  visibility: Visibility,
): AttachmentRecord[] {
  return files.map((f) => ({
    caseId,
    attachmentId: f.attachmentId,
    fileName: f.fileName,
    contentType: f.contentType,
    size: f.size,
    visibility,
    blobKey: f.blobKey,
  }));
}

export interface UploadRequest {
  fileName: string;
  contentType: string;
  size: number;
  /** Staff only: a file the requester never sees. */
  internal?: boolean | undefined;
}

export interface UploadUrl {
  attachmentId: string;
  uploadUrl: string;
  expiresAt: string;
}

/**
 * An upload URL for one file: the requester and staff may ask, internal files are staff's, a closed case
 * takes no new file (409). Nothing goes on the timeline yet: the upload is kept, and its file is recorded
 * when it arrives (`recordArrival`).
 */
export async function requestAttachmentUpload(
  deps: CoreDeps & { blobs: BlobStore },
  actor: Actor,
  caseId: string,
  request: UploadRequest,
  ifMatch?: number,
): Promise<UploadUrl> {
  const c = visibleOr404(actor, await deps.store.get(caseId), caseId);
  if (ifMatch !== undefined && c.version !== ifMatch)
    throw new PreconditionFailedError(`the case is at version ${c.version}, not ${ifMatch}`, c.version);
  if (actor.kind !== 'staff' && !isRequester(actor, c))
    throw new ForbiddenError('only the requester and staff attach files');
  if (request.internal && actor.kind !== 'staff')
    throw new ForbiddenError('only agents and leads attach internal files');
  const name = checkFileName(request.fileName);
  if (!name.ok)
    throw new ValidationError('the body is not valid', [{ field: 'fileName', message: name.reason }]);
  // As of now, as a write would see it: a case whose auto-close fell due is closed already.
  const closed = refuseIfClosed(settleDue(c, toInstant(deps.clock.now()), deps.policy).case);
  if (closed) throw refusedError(closed, c);

  const attachmentId = deps.ids.next();
  const blobKey = attachmentKey(caseId, attachmentId, name.name);
  const url = await deps.blobs.presignUpload(blobKey, request.contentType, request.size);
  await deps.store.recordUpload({
    caseId,
    attachmentId,
    fileName: name.name,
    contentType: request.contentType,
    size: request.size,
    visibility: request.internal ? 'internal' : 'public',
    blobKey,
    uploadedBy: eventActor(actor, c),
    expiresAt: toInstant(url.expiresAt),
  });
  return { attachmentId, uploadUrl: url.url, expiresAt: url.expiresAt.toISOString() };
}

export type ArrivalOutcome =
  | { kind: 'recorded' | 'duplicate'; caseId: string; attachmentId: string }
  /**
   * Nothing to record: a key that is no upload's (a mail's file, which its mail records itself), an
   * object gone again, or one that is not the file announced.
   */
  | { kind: 'ignored'; reason: 'not-an-upload' | 'missing' | 'mismatch'; key: string };

/**
 * An object arrived in the blob store under `key` (S3's ObjectCreated event; the local store's PUT): if
 * it is the file of an upload, exactly as announced, it is recorded — `attachment.added` by its uploader
 * and its file record, in one write, once however often the arrival is delivered.
 */
export async function recordArrival(
  deps: CoreDeps & { blobs: BlobStore },
  key: string,
): Promise<ArrivalOutcome> {
  const named = attachmentOfKey(key);
  const upload = named ? await deps.store.getUpload(named.caseId, named.attachmentId) : null;
  if (!upload) return { kind: 'ignored', reason: 'not-an-upload', key };
  const { caseId, attachmentId } = upload;
  const stored = await deps.blobs.describe(upload.blobKey);
  if (!stored) return { kind: 'ignored', reason: 'missing', key };
  if (stored.size !== upload.size || stored.contentType !== upload.contentType)
    return { kind: 'ignored', reason: 'mismatch', key };
  try {
    await changeCase(deps, { kind: 'system' }, caseId, undefined, (c) => recordArrivedFile(c, upload), {
      onceKey: `attachment#${attachmentId}`,
      attachments: attachmentRecords(caseId, [upload], upload.visibility),
    });
    return { kind: 'recorded', caseId, attachmentId };
  } catch (error) {
    if (error instanceof AlreadyAppliedError) return { kind: 'duplicate', caseId, attachmentId };
    throw error;
  }
}

export interface AttachmentDownload extends AttachedFile {
  url: string;
  expiresAt: string;
}

/**
 * A download URL for one file of a case: staff may fetch any, the requester the public ones. A file the
 * caller may not fetch, one not arrived yet and one that never was are the same 404, as is a case the
 * caller may not see (docs/api.md#not-found-rather-than-forbidden).
 */
export async function attachmentDownload(
  deps: CoreDeps & { blobs: BlobStore },
  actor: Actor,
  caseId: string,
  attachmentId: string,
): Promise<AttachmentDownload> {
  const [found, file] = await Promise.all([
    deps.store.get(caseId),
    deps.store.getAttachment(caseId, attachmentId),
  ]);
  const c = visibleOr404(actor, found, caseId);
  if (!file || (isRequester(actor, c) && file.visibility !== 'public'))
    throw new NotFoundError(`no attachment ${attachmentId} on case ${caseId}`);
  const url = await deps.blobs.presignDownload(file.blobKey, file);
  return {
    attachmentId: file.attachmentId,
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.size,
    url: url.url,
    expiresAt: url.expiresAt.toISOString(),
  };
}
