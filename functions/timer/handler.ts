import { awsCoreDeps } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry for the SQS timer queue: the shared handler wired to AWS once per container. */
export const handler = createHandler(awsCoreDeps());
