import {
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
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
  groups,
}: {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  /** The pool's group names for staff, as the API reads them from a token (`GROUPS` in shared/http/routes.ts). */
  groups: { agents: string; leads: string };
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
        const memberOf = await client.send(
          new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: user.Username, Limit: 60 }),
        );
        const names = new Set((memberOf.Groups ?? []).map((g) => g.GroupName));
        if (names.has(groups.leads)) return 'lead';
        if (names.has(groups.agents)) role = 'agent';
      }
      return role;
    },
  };
}
