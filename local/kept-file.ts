import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Keeps a small file in the data dir up to date with what `contents` says at each call: writes go one
 * after another, each whole to a temporary file renamed over the old one, so concurrent calls never
 * interleave, a later state is never overwritten by an earlier one, and a reader never sees half a file.
 * Without a data dir (`file` null), nothing is kept.
 */
export function keptInFile(file: string | null): (contents: () => string) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (contents) => {
    if (file === null) return Promise.resolve();
    const write = async () => {
      const next = `${file}.next`;
      await writeFile(next, contents());
      await rename(next, file);
    };
    last = last.then(write, write);
    return last;
  };
}

/**
 * An address → value map kept as a JSON object in `<dataDir>/<fileName>` (in memory only without a data
 * dir): read once at start (none yet: empty), written whole by `save` through `keptInFile`.
 */
export async function keptAddressMap(dataDir: string | undefined, fileName: string) {
  const file = dataDir ? join(dataDir, fileName) : null;
  const entries = new Map<string, string>();
  if (file) {
    try {
      for (const [address, value] of Object.entries(JSON.parse(await readFile(file, 'utf8')) as object))
        entries.set(address, String(value));
    } catch {
      // Nothing kept yet.
    }
  }
  const write = keptInFile(file);
  return { entries, save: () => write(() => JSON.stringify(Object.fromEntries(entries))) };
}
