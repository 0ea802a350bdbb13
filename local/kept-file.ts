import { rename, writeFile } from 'node:fs/promises';

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
