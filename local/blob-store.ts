import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStore } from '../shared/ports/blob-store.ts';
import type { Clock } from '../shared/ports/clock.ts';

const URL_SECONDS = 15 * 60;

/**
 * The local stand-in for S3 presigned URLs: uploads go to `/_local/blobs/<key>` on the local API with
 * an HMAC signature over key, type, size and expiry; files land in the data dir (or memory).
 */
export function createLocalBlobStore({
  baseUrl,
  key,
  dataDir,
  clock,
}: {
  baseUrl: () => string;
  key: Uint8Array;
  dataDir?: string | undefined;
  clock: Clock;
}) {
  const memory = new Map<string, Buffer>();
  const sign = (parts: string) => createHmac('sha256', key).update(parts).digest('base64url');

  const store: BlobStore = {
    put: async () => {},
    async presignUpload(blobKey, contentType, size) {
      const expires = Math.floor(clock.now().getTime() / 1000) + URL_SECONDS;
      const sig = sign(`PUT\n${blobKey}\n${contentType}\n${size}\n${expires}`);
      const query = new URLSearchParams({
        type: contentType,
        size: String(size),
        expires: String(expires),
        sig,
      });
      return { url: `${baseUrl()}/_local/blobs/${blobKey}?${query}`, expiresAt: new Date(expires * 1000) };
    },
    async presignDownload(blobKey) {
      const expires = Math.floor(clock.now().getTime() / 1000) + URL_SECONDS;
      const sig = sign(`GET\n${blobKey}\n${expires}`);
      return {
        url: `${baseUrl()}/_local/blobs/${blobKey}?expires=${expires}&sig=${sig}`,
        expiresAt: new Date(expires * 1000),
      };
    },
  };

  async function write(blobKey: string, body: Uint8Array): Promise<void> {
    if (dataDir) {
      const file = join(dataDir, 'blobs', blobKey);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, body);
    } else memory.set(blobKey, Buffer.from(body));
  }
  store.put = (blobKey, content) => write(blobKey, content);

  /** Serves PUT /_local/blobs/… as S3 would a presigned PUT: signature, expiry, type and size must match. */
  async function receive(
    path: string,
    search: URLSearchParams,
    body: Buffer,
    contentType: string | undefined,
  ): Promise<{ ok: true } | { ok: false; status: 400 | 403; reason: string }> {
    const blobKey = path.replace(/^\/_local\/blobs\//, '');
    const { type, size, expires, sig } = Object.fromEntries(search) as Record<string, string | undefined>;
    const expected = sign(`PUT\n${blobKey}\n${type}\n${size}\n${expires}`);
    const valid =
      sig !== undefined &&
      sig.length === expected.length &&
      timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
    if (!valid) return { ok: false, status: 403, reason: 'the upload URL is not one casewatch made' };
    if (Number(expires) * 1000 < clock.now().getTime())
      return { ok: false, status: 403, reason: 'the upload URL has expired; ask for a new one' };
    if (contentType !== type)
      return { ok: false, status: 400, reason: `send the file as ${type}, the type the URL was made for` };
    if (body.length !== Number(size))
      return { ok: false, status: 400, reason: `send exactly ${size} bytes, the size the URL was made for` };
    await write(blobKey, body);
    return { ok: true };
  }

  return { store, receive, memory };
}
