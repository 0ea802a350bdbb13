import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildPortal } from '../local/portal-build.ts';

/** What the portal's first page load may bring of JavaScript, gzipped. */
export const INITIAL_JS_BUDGET_KB = 150;

export interface PortalSizes {
  buildMs: number;
  /** The scripts `index.html` loads or preloads: what every first visit pays for. */
  initial: { file: string; kb: number; gzipKb: number }[];
  initialGzipKb: number;
  /** Every other script: loaded on demand (sign-in's OIDC client…). */
  lazy: { file: string; kb: number; gzipKb: number }[];
  cssGzipKb: number;
  budgetKb: number;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** Builds the portal into a temporary folder and weighs what a first visit downloads. */
export async function benchPortal(): Promise<PortalSizes> {
  const out = await mkdtemp(join(tmpdir(), 'casewatch-portal-bench-'));
  try {
    const started = performance.now();
    await buildPortal(out);
    const buildMs = Math.round(performance.now() - started);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const referenced = new Set(
      [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/?([^"]+\.js)"/g)].map((m) => m[1] as string),
    );
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const path = join(dir, f);
        return statSync(path).isDirectory() ? files(path).map((p) => join(f, p)) : [f];
      });
    const weigh = (file: string) => {
      const bytes = readFileSync(join(out, file));
      return { file, kb: kb(bytes.length), gzipKb: kb(gzipSync(bytes, { level: 9 }).length) };
    };
    const scripts = files(out).filter((f) => f.endsWith('.js'));
    const initial = scripts.filter((f) => referenced.has(f)).map(weigh);
    const lazy = scripts.filter((f) => !referenced.has(f)).map(weigh);
    const cssGzipKb = files(out)
      .filter((f) => f.endsWith('.css'))
      .reduce((sum, f) => sum + weigh(f).gzipKb, 0);
    return {
      buildMs,
      initial,
      initialGzipKb: kb(initial.reduce((sum, f) => sum + f.gzipKb * 1024, 0)),
      lazy,
      cssGzipKb,
      budgetKb: INITIAL_JS_BUDGET_KB,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
