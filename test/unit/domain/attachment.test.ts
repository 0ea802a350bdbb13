import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fileAdded,
  recordArrivedFile,
  type UploadedFile,
} from '../../../shared/domain/changes/attachment.ts';
import { CASE_STATUSES } from '../../../shared/domain/status.ts';
import { ActorRoleSchema, VisibilitySchema } from '../../../shared/domain/timeline.ts';
import { newSellerCase } from '../../support/cases.ts';

const uploaded = fc.record({
  attachmentId: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  fileName: fc.string({ minLength: 1, maxLength: 40 }),
  contentType: fc.constantFrom('image/png', 'application/pdf', 'text/plain'),
  size: fc.integer({ min: 1, max: 25 * 1024 * 1024 }),
  visibility: fc.constantFrom(...VisibilitySchema.options),
  uploadedBy: fc.record({ role: fc.constantFrom(...ActorRoleSchema.options), id: fc.emailAddress() }),
}) satisfies fc.Arbitrary<UploadedFile>;

describe('a file arriving (docs/cases.md#attachments)', () => {
  it('records exactly its attachment.added, by its uploader and as visible as they chose, in any status (closed included), changing nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATUSES), uploaded, (status, file) => {
        const c = { ...newSellerCase({ subject: 's', description: 'd' }), status };
        const decision = recordArrivedFile(c, file);
        expect(decision.case).toBe(c);
        expect(decision.events).toEqual([
          {
            type: 'attachment.added',
            attachmentId: file.attachmentId,
            fileName: file.fileName,
            contentType: file.contentType,
            size: file.size,
            visibility: file.visibility,
            actor: file.uploadedBy,
          },
        ]);
      }),
    );
  });

  it('never lets what else a file carries (where its bytes are) onto the timeline', () => {
    const file = {
      attachmentId: 'A',
      fileName: 'f.txt',
      contentType: 'text/plain',
      size: 1,
      blobKey: 'cases/x',
    };
    expect(fileAdded(file, 'internal')).toEqual({
      type: 'attachment.added',
      attachmentId: 'A',
      fileName: 'f.txt',
      contentType: 'text/plain',
      size: 1,
      visibility: 'internal',
    });
  });
});
