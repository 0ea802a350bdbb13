import {
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** A user of the pool that may act as its email says: enabled, email verified. */
export interface VerifiedUser {
  username: string;
  attributes: ReadonlyMap<string | undefined, string | undefined>;
}

/**
 * The pool's enabled users whose verified email is `email`: one ListUsers call by exact email filter (at
 * most two users, never paging through the pool). A quote or backslash cannot break out of the filter.
 */
export async function verifiedUsersWithEmail(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
): Promise<VerifiedUser[]> {
  const quoted = email.replace(/["\\]/g, '');
  const out = await client.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${quoted}"`, Limit: 2 }),
  );
  const users: VerifiedUser[] = [];
  for (const user of out.Users ?? []) {
    const attributes = new Map((user.Attributes ?? []).map((a) => [a.Name, a.Value]));
    if (user.Enabled === false || attributes.get('email_verified') !== 'true' || !user.Username) continue;
    users.push({ username: user.Username, attributes });
  }
  return users;
}
