import type { BlobStore, StoredObject } from '../../shared/ports/blob-store.ts';
import type { Clock } from '../../shared/ports/clock.ts';

const URL_MS = 15 * 60_000;

/**
 * A BlobStore in memory for use-case tests: objects by key, and "presigned" URLs that only say what they
 * were made for (`memory://put/<key>?…`, `memory://get/<key>?…`). `arrive` plays a client's upload.
 */
export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, { content: Uint8Array; contentType: string }>();

  constructor(private readonly clock: Clock = { now: () => new Date(0) }) {}

  private expiresAt(): Date {
    return new Date(this.clock.now().getTime() + URL_MS);
  }

  async presignUpload(key: string, contentType: string, size: number) {
    const query = new URLSearchParams({ type: contentType, size: String(size) });
    return { url: `memory://put/${key}?${query}`, expiresAt: this.expiresAt() };
  }

  async presignDownload(key: string, file: { fileName: string; contentType: string }) {
    const query = new URLSearchParams({ name: file.fileName, type: file.contentType });
    return { url: `memory://get/${key}?${query}`, expiresAt: this.expiresAt() };
  }

  async put(key: string, content: Uint8Array, contentType: string): Promise<void> {
    this.objects.set(key, { content, contentType });
  }

  async describe(key: string): Promise<StoredObject | null> {
    const object = this.objects.get(key);
    return object ? { size: object.content.length, contentType: object.contentType } : null;
  }

  /** The bytes a client PUTs to an upload URL, stored as S3 would store them. */
  async arrive(key: string, content: Uint8Array, contentType: string): Promise<void> {
    await this.put(key, content, contentType);
  }
}
