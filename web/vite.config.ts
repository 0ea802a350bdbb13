import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The portal: a single-page app built to static files (`web/dist`) that the local runtime serves at `/`
 * and CloudFront serves from S3 in AWS. It talks to the API only through the client generated from the
 * API document (`openapi/schema.d.ts`), under `/api` on the same origin.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Sign-in with Cognito (oidc-client-ts) is its own chunk, loaded only where it is used.
    chunkSizeWarningLimit: 400,
  },
});
