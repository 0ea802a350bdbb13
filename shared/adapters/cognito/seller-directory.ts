import {
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SellerDirectory } from '../../ports/inbound-mail.ts';

/**
 * Sellers are the user pool's users with a `custom:sellerId` (docs/api.md#authentication): a sender whose
 * verified email belongs to one writes as that seller. One ListUsers call by exact email filter, no paging
 * through users.
 */
export function createCognitoSellerDirectory({
  client,
  userPoolId,
}: {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
}): SellerDirectory {
  return {
    async sellerIdOf(email) {
      const quoted = email.replace(/["\\]/g, '');
      const out = await client.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${quoted}"`, Limit: 2 }),
      );
      for (const user of out.Users ?? []) {
        const attributes = new Map((user.Attributes ?? []).map((a) => [a.Name, a.Value]));
        if (user.Enabled === false || attributes.get('email_verified') !== 'true') continue;
        const sellerId = attributes.get('custom:sellerId');
        if (sellerId) return sellerId;
      }
      return null;
    },
  };
}
