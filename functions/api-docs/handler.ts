import { readFile } from 'node:fs/promises';
import document from '../../openapi/openapi.json' with { type: 'json' };
import { createHandler, RENDERER_FILE } from './app.ts';

/** Lambda entry: the document is bundled; the renderer is copied beside the bundle (`CasewatchFunction` assets). */
export const handler = createHandler({
  document,
  renderer: () => readFile(new URL(`./${RENDERER_FILE}`, import.meta.url)),
});
