import { mkdirSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, EVENT_SCHEMA_DIR, generateArtifacts, generateEventSchemas } from '../openapi/generate.ts';

/** `npm run openapi`: writes the API document, the client types generated from it, and the event schemas. */
const { document, types } = await generateArtifacts();
writeFileSync(ARTIFACTS.document, document);
writeFileSync(ARTIFACTS.types, types);
const events = generateEventSchemas();
mkdirSync(EVENT_SCHEMA_DIR, { recursive: true });
for (const [name, text] of Object.entries(events)) writeFileSync(new URL(name, EVENT_SCHEMA_DIR), text);
console.log(
  `wrote ${ARTIFACTS.document.pathname}, ${ARTIFACTS.types.pathname} and ${Object.keys(events).length} event schemas in ${EVENT_SCHEMA_DIR.pathname}`,
);
