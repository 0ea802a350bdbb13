import { writeFileSync } from 'node:fs';
import { ARTIFACTS, generateArtifacts } from '../openapi/generate.ts';

/** `npm run openapi`: writes the API document and the client types generated from it. */
const { document, types } = await generateArtifacts();
writeFileSync(ARTIFACTS.document, document);
writeFileSync(ARTIFACTS.types, types);
console.log(`wrote ${ARTIFACTS.document.pathname} and ${ARTIFACTS.types.pathname}`);
