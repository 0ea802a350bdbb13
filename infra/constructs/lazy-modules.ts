/**
 * Parts of packages a function needs only for some invocations, kept out of its bundle and shipped as
 * files beside it, loaded the first time they are needed (docs/architecture.md#quality-bars). One
 * recipe, read by `CasewatchFunction` (what deploys) and by the bundle bench (what is measured).
 */
export interface LazyModules {
  /** esbuild `external` patterns: imports left as run-time `require`s of the files below. */
  readonly externals: readonly string[];
  /** esbuild `alias`: a package replaced by a stand-in that loads it on first use. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Copied beside the bundle: `from` relative to the repository root (a file or a folder), `to` in the asset. */
  readonly files: readonly { readonly from: string; readonly to: string }[];
}

/**
 * Charset tables for mail that is not UTF-8 or ASCII (most is): iconv-lite's double-byte tables (Chinese,
 * Japanese, Korean; 390 KiB that iconv-lite itself requires only when such a charset is decoded, which
 * bundling had undone — libmime still asks for GBK's at load, to recognise its decoder, so that one is
 * read at every cold start) and encoding-japanese (JIS, EUC-JP; 88 KiB, imported by libmime at load).
 * Measured: the bundle is 468 KiB smaller; its cold import about 3% faster (the tables sat in functions
 * V8 only pre-parses), so they were not what makes this function start slowly.
 *
 * And one libmime, not two: mailparser imports its ES module build and mailsplit requires its CommonJS
 * one, each with its own 70 KiB MIME-type table; both are pointed at the CommonJS build (96 KiB less).
 */
export const MAIL_CHARSETS: LazyModules = {
  externals: ['./tables/*', './charsets/*'],
  aliases: {
    'encoding-japanese': './shared/adapters/email-inbound/lazy-encoding-japanese.ts',
    libmime: './node_modules/libmime/dist/cjs/libmime.js',
  },
  files: [
    { from: 'node_modules/iconv-lite/encodings/tables', to: 'tables' },
    { from: 'node_modules/encoding-japanese/encoding.min.js', to: 'charsets/encoding-japanese.cjs' },
  ],
};
