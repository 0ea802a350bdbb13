import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoStaffDirectory } from '../../shared/adapters/cognito/staff-directory.ts';
import { GROUPS } from '../../shared/http/routes.ts';
import { awsApiDeps, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/**
 * Lambda entry: the shared handler wired to AWS once per container, plus the user pool, where an
 * assignee is checked to be staff.
 */
export const handler = createHandler({
  ...(await awsApiDeps()),
  staff: createCognitoStaffDirectory({
    client: new CognitoIdentityProviderClient({}),
    userPoolId: env('USER_POOL_ID'),
    groups: GROUPS,
  }),
});
