import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { S3ObjectCreatedNotificationEvent } from 'aws-lambda';
import { attachmentDisposition, type BlobStore } from '../shared/ports/blob-store.ts';
import type { Clock } from '../shared/ports/clock.ts';

const URL_SECONDS = 15 * 60;
/** The bucket the local store stands in for, as its events name it. */
const LOCAL_BUCKET = 'casewatch-local-attachments';

interface Blob {
  body: Buffer;
  contentType: string;
}

/** Why the local store refused a request, as S3 would refuse a presigned one. */
export type BlobRefusal = { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * The local stand-in for S3 presigned URLs: uploads go to `PUT /_local/blobs/<key>` and downloads come from
 * `GET /_local/blobs/<key>` on the local API, each with an HMAC signature over what S3 would sign (key,
 * type and size for an upload; the answer's type and disposition for a download) and an expiry on
 * casewatch's clock. Files land in the data dir (or memory), each with its content type.
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
  const memory = new Map<string, Blob>();
  const sign = (parts: string) => createHmac('sha256', key).update(parts).digest('base64url');
  const expiry = () => Math.floor(clock.now().getTime() / 1000) + URL_SECONDS;
  const blobFile = (blobKey: string) => join(dataDir ?? '', 'blobs', blobKey);
  // Beside the bytes, in a tree of its own, so no file name can collide with it.
  const typeFile = (blobKey: string) => join(dataDir ?? '', 'blob-types', blobKey);

  async function write(blobKey: string, body: Uint8Array, contentType: string): Promise<void> {
    if (!dataDir) {
      memory.set(blobKey, { body: Buffer.from(body), contentType });
      return;
    }
    for (const [file, content] of [
      [blobFile(blobKey), body],
      [typeFile(blobKey), contentType],
    ] as const) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }

  async function read(blobKey: string): Promise<Blob | null> {
    if (!dataDir) return memory.get(blobKey) ?? null;
    try {
      const body = await readFile(blobFile(blobKey));
      const contentType = await readFile(typeFile(blobKey), 'utf8').catch(() => 'application/octet-stream');
      return { body, contentType };
    } catch {
      return null;
    }
  }

  function signedBy(sig: string | undefined, expected: string): boolean {
    return (
      sig !== undefined &&
      sig.length === expected.length &&
      timingSafeEqual(Buffer.from(sig), Buffer.from(expected))
    );
  }

  const expired = (expires: string | undefined) => Number(expires) * 1000 < clock.now().getTime();
  const keyOf = (path: string) => path.replace(/^\/_local\/blobs\//, '');

  const store: BlobStore = {
    async presignUpload(blobKey, contentType, size) {
      const expires = expiry();
      const sig = sign(`PUT\n${blobKey}\n${contentType}\n${size}\n${expires}`);
      const query = new URLSearchParams({
        type: contentType,
        size: String(size),
        expires: String(expires),
        sig,
      });
      return { url: `${baseUrl()}/_local/blobs/${blobKey}?${query}`, expiresAt: new Date(expires * 1000) };
    },
    async presignDownload(blobKey, file) {
      const expires = expiry();
      const disposition = attachmentDisposition(file.fileName);
      // Named as S3 names them, so a download URL reads the same in both runtimes.
      const query = new URLSearchParams({
        'response-content-type': file.contentType,
        'response-content-disposition': disposition,
        expires: String(expires),
        sig: sign(`GET\n${blobKey}\n${file.contentType}\n${disposition}\n${expires}`),
      });
      return { url: `${baseUrl()}/_local/blobs/${blobKey}?${query}`, expiresAt: new Date(expires * 1000) };
    },
    put: (blobKey, content, contentType) => write(blobKey, content, contentType),
    async describe(blobKey) {
      const blob = await read(blobKey);
      return blob ? { size: blob.body.length, contentType: blob.contentType } : null;
    },
  };

  /**
   * Serves PUT /_local/blobs/… as S3 would a presigned PUT: signature, expiry, type and size must match.
   * Answers the key it stored, for the runtime to announce its arrival as S3's event would.
   */
  async function receive(
    path: string,
    search: URLSearchParams,
    body: Buffer,
    contentType: string | undefined,
  ): Promise<{ ok: true; key: string } | BlobRefusal> {
    const blobKey = keyOf(path);
    const { type, size, expires, sig } = Object.fromEntries(search) as Record<string, string | undefined>;
    if (!signedBy(sig, sign(`PUT\n${blobKey}\n${type}\n${size}\n${expires}`)))
      return { ok: false, status: 403, reason: 'the upload URL is not one casewatch made' };
    if (expired(expires))
      return { ok: false, status: 403, reason: 'the upload URL has expired; ask for a new one' };
    if (type === undefined || contentType !== type)
      return { ok: false, status: 400, reason: `send the file as ${type}, the type the URL was made for` };
    if (body.length !== Number(size))
      return { ok: false, status: 400, reason: `send exactly ${size} bytes, the size the URL was made for` };
    await write(blobKey, body, type);
    return { ok: true, key: blobKey };
  }

  /** Serves GET /_local/blobs/… as S3 would a presigned GET: the bytes, with the type and disposition signed. */
  async function serve(
    path: string,
    search: URLSearchParams,
  ): Promise<{ ok: true; body: Buffer; headers: Record<string, string> } | BlobRefusal> {
    const blobKey = keyOf(path);
    const params = Object.fromEntries(search) as Record<string, string | undefined>;
    const type = params['response-content-type'];
    const disposition = params['response-content-disposition'];
    const { expires, sig } = params;
    if (!signedBy(sig, sign(`GET\n${blobKey}\n${type}\n${disposition}\n${expires}`)))
      return { ok: false, status: 403, reason: 'the download URL is not one casewatch made' };
    if (expired(expires))
      return { ok: false, status: 403, reason: 'the download URL has expired; ask for a new one' };
    const blob = await read(blobKey);
    if (!blob) return { ok: false, status: 404, reason: 'no such file' };
    return {
      ok: true,
      body: blob.body,
      headers: {
        'content-type': type ?? blob.contentType,
        'content-disposition': disposition ?? 'attachment',
        'content-length': String(blob.body.length),
      },
    };
  }

  return { store, receive, serve };
}

/**
 * The event S3 hands EventBridge when an object is created, as the arrival function receives it in AWS:
 * the local store's PUT announces each file with one.
 */
export function objectCreatedEvent(key: string, size: number, at: Date): S3ObjectCreatedNotificationEvent {
  const id = `${at.getTime()}-${key}`;
  return {
    version: '0',
    id,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: at.toISOString(),
    region: 'local',
    resources: [`arn:aws:s3:::${LOCAL_BUCKET}`],
    detail: {
      version: '0',
      bucket: { name: LOCAL_BUCKET },
      object: { key, size, etag: '', 'version-id': '', sequencer: '' },
      'request-id': id,
      requester: '000000000000',
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}
