import { build } from 'vite';

/** The portal's source (web/) and where `npm start` builds it unless told otherwise. */
export const PORTAL_SOURCE = new URL('../web/', import.meta.url).pathname;
export const PORTAL_BUILD = new URL('../web/dist/', import.meta.url).pathname;

/** Builds the portal with its Vite config into `outDir`: about a second. */
export async function buildPortal(outDir = PORTAL_BUILD): Promise<string> {
  // Vite follows NODE_ENV when it is set (React's build, packages' `development` exports): under the test
  // runner (`test`) the portal would ship development builds, larger and far slower to render than what
  // people get. The build is always the production one.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: `${PORTAL_SOURCE}vite.config.ts`,
      logLevel: 'warn',
      mode: 'production',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}
