import type { Case } from '../case.ts';
import type { EventActor, Visibility } from '../timeline.ts';
import type { DecidedEvent, Decision } from './decision.ts';

/** A file on a case, as its timeline names it (docs/cases.md#attachments). */
export interface AttachedFile {
  attachmentId: string;
  fileName: string;
  contentType: string;
  size: number;
}

/**
 * The `attachment.added` event of a file, with who may see it. Picks the file's fields by name, so
 * whatever else a caller's file carries (where its bytes are) never reaches the timeline.
 */
export function fileAdded(file: AttachedFile, visibility: Visibility): DecidedEvent {
  return {
    type: 'attachment.added',
    attachmentId: file.attachmentId,
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.size,
    visibility,
  };
}

/** A file someone asked to upload, as the upload was recorded: what it is, who sees it, who sent it. */
export interface UploadedFile extends AttachedFile {
  visibility: Visibility;
  uploadedBy: EventActor;
}

/**
 * The file of an upload arrived: `attachment.added`, by whoever asked for the upload, with the
 * visibility they chose. Recorded on a case that closed since the upload URL was handed out too: the
 * URL was given while the case was open, and the file is stored either way; refusing it would only
 * lose it (docs/cases.md#attachments).
 */
export function recordArrivedFile(c: Case, file: UploadedFile): Decision {
  return { case: c, events: [{ ...fileAdded(file, file.visibility), actor: file.uploadedBy }] };
}
