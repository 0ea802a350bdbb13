import type { Case } from '../domain/case.ts';
import { addAttachment, requestEscalation as escalation } from '../domain/changes/requester.ts';
import { attachmentKey, type BlobStore } from '../ports/blob-store.ts';
import type { Actor } from './actor.ts';
import { isRequester } from './case-access.ts';
import { changeCase } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ForbiddenError } from './errors.ts';

/** The requester asks for an escalation; it is recorded, and leads are told (by the notifier, later). */
export async function requestEscalation(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  reason: string,
  ifMatch?: number,
): Promise<Case> {
  const result = await changeCase(deps, actor, caseId, ifMatch, (c) => {
    if (!isRequester(actor, c)) throw new ForbiddenError('only the requester asks for an escalation');
    return escalation(c, reason);
  });
  return result.case;
}

export interface AttachmentRequest {
  fileName: string;
  contentType: string;
  size: number;
}

export interface AttachmentUpload {
  attachmentId: string;
  uploadUrl: string;
  expiresAt: string;
  case: Case;
}

/** An upload URL for one file, recorded on the timeline; requesters and staff only. */
export async function requestAttachmentUpload(
  deps: AppDeps & { blobs: BlobStore },
  actor: Actor,
  caseId: string,
  file: AttachmentRequest,
  ifMatch?: number,
): Promise<AttachmentUpload> {
  const attachmentId = deps.ids.next();
  const result = await changeCase(deps, actor, caseId, ifMatch, (c) => {
    if (actor.kind !== 'staff' && !isRequester(actor, c))
      throw new ForbiddenError('only the requester and staff attach files');
    return addAttachment(c, { attachmentId, ...file });
  });
  const key = attachmentKey(caseId, attachmentId, file.fileName);
  const upload = await deps.blobs.presignUpload(key, file.contentType, file.size);
  return {
    attachmentId,
    uploadUrl: upload.url,
    expiresAt: upload.expiresAt.toISOString(),
    case: result.case,
  };
}
