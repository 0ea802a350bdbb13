import { awsApiDeps } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry: the shared handler wired to AWS once per container. */
export const handler = createHandler(await awsApiDeps());
