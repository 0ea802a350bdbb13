import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildPortal } from '../../local/portal-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The web portal, built once for the run (web/dist is left to `npm start`). */
    portalDir: string;
  }
}

/** Builds the portal once per `vitest run` for the e2e tier's runtimes that serve it (about a second). */
export default async function setup(project: TestProject): Promise<() => void> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'casewatch-portal-'));
  await buildPortal(dir);
  console.log(`portal built in ${Math.round(performance.now() - started)} ms`);
  project.provide('portalDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
