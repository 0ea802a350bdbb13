import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/**
 * The portal as the local runtime serves it at `/`, as CloudFront does in AWS: the built app's files,
 * `index.html` for any other page a browser asks for (the app routes itself), and `/config.json` saying
 * where the API is (`/api`, the same origin) and that people sign in locally.
 */
export interface PortalAnswer {
  status: number;
  body: Buffer | string;
  headers: Record<string, string>;
}

export interface LocalPortal {
  /** The answer for a GET of `pathname`, or null when it is not the portal's (an API 404 then). */
  serve(pathname: string, accept: string): Promise<PortalAnswer | null>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page's policy: everything from this origin only, no inline script or style, no framing. The
 * CloudFront distribution sends the same (infra/constructs/portal.ts), with the attachment bucket added
 * for uploads.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PORTAL_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': PORTAL_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export function createLocalPortal(dir: string): LocalPortal {
  const root = normalize(dir).replace(/[/]+$/, '');
  const config = JSON.stringify({ apiBase: '/api', auth: { mode: 'local' } });

  async function file(path: string): Promise<Buffer | null> {
    try {
      return (await stat(path)).isFile() ? await readFile(path) : null;
    } catch {
      return null;
    }
  }

  return {
    async serve(pathname, accept): Promise<PortalAnswer | null> {
      if (pathname === '/config.json')
        return {
          status: 200,
          body: config,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        };
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathname);
      } catch {
        return null;
      }
      const path = normalize(join(root, decoded));
      if (path.startsWith(root + sep) && path !== join(root, 'index.html')) {
        const bytes = await file(path);
        if (bytes) {
          const hashed = decoded.startsWith('/assets/');
          return {
            status: 200,
            body: bytes,
            headers: {
              'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
              'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
              'x-content-type-options': 'nosniff',
            },
          };
        }
      }
      // A page of the app: the app itself, which routes by the path.
      if (!accept.includes('text/html')) return null;
      const index = await file(join(root, 'index.html'));
      if (!index) return null;
      return {
        status: 200,
        body: index,
        headers: {
          'content-type': TYPES['.html'] as string,
          'cache-control': 'no-cache',
          ...PORTAL_SECURITY_HEADERS,
        },
      };
    },
  };
}
