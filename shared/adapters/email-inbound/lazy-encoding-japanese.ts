import { createRequire } from 'node:module';

/**
 * Stands in for `encoding-japanese` inside the `mail-inbound` bundle (infra/constructs/lazy-modules.ts):
 * its conversion tables load from a file beside the bundle the first time a mail in a JIS or EUC-JP
 * charset is decoded, not at every cold start. libmime, its only user, calls `convert` alone. Outside
 * the bundle (tests, the local runtime) the package itself is imported as usual.
 */
type Convert = (data: unknown, options: unknown) => unknown;

const loadBesideBundle = createRequire(import.meta.url);
let convert: Convert | undefined;

export default {
  convert(data: unknown, options: unknown): unknown {
    convert ??= (loadBesideBundle('./charsets/encoding-japanese.cjs') as { convert: Convert }).convert;
    return convert(data, options);
  },
};
