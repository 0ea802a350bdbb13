import {
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GROUPS } from '../../http/routes.ts';
import type { StaffDirectory } from '../../ports/staff-directory.ts';

/**
 * Staff are the user pool's users in the `leads` or `agents` group (docs/api.md#authentication), as the API
 * reads them from a token's `cognito:groups`. One ListUsers call by exact email filter, then the groups of
 * the (at most two) users it finds; a disabled user or one whose email is not verified is no one's
 * assignee.
 */
export function createCognitoStaffDirectory({
  client,
  userPoolId,
}: {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
}): StaffDirectory {
  return {
    async roleOf(email) {
      const quoted = email.replace(/["\\]/g, '');
      const out = await client.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${quoted}"`, Limit: 2 }),
      );
      let role: 'agent' | 'lead' | null = null;
      for (const user of out.Users ?? []) {
        const attributes = new Map((user.Attributes ?? []).map((a) => [a.Name, a.Value]));
        if (user.Enabled === false || attributes.get('email_verified') !== 'true' || !user.Username) continue;
        const groups = await client.send(
          new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: user.Username, Limit: 60 }),
        );
        const names = new Set((groups.Groups ?? []).map((g) => g.GroupName));
        if (names.has(GROUPS.leads)) return 'lead';
        if (names.has(GROUPS.agents)) role = 'agent';
      }
      return role;
    },
  };
}
