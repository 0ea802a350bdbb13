import { build } from 'vite';

/** The portal's source (web/) and where `npm start` builds it unless told otherwise. */
export const PORTAL_SOURCE = new URL('../web/', import.meta.url).pathname;
export const PORTAL_BUILD = new URL('../web/dist/', import.meta.url).pathname;

/** Builds the portal with its Vite config into `outDir`: about a second. */
export async function buildPortal(outDir = PORTAL_BUILD): Promise<string> {
  await build({
    configFile: `${PORTAL_SOURCE}vite.config.ts`,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
