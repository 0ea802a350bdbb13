import {
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StaffDirectory } from '../../ports/staff-directory.ts';
import { verifiedUsersWithEmail } from './users-by-email.ts';

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
      let role: 'agent' | 'lead' | null = null;
      for (const user of await verifiedUsersWithEmail(client, userPoolId, email)) {
        const memberOf = await client.send(
          new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: user.username, Limit: 60 }),
        );
        const names = new Set((memberOf.Groups ?? []).map((g) => g.GroupName));
        if (names.has(groups.leads)) return 'lead';
        if (names.has(groups.agents)) role = 'agent';
      }
      return role;
    },
  };
}
