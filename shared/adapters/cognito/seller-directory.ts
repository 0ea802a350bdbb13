import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { SellerDirectory } from '../../ports/inbound-mail.ts';
import { verifiedUsersWithEmail } from './users-by-email.ts';

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
      for (const user of await verifiedUsersWithEmail(client, userPoolId, email)) {
        const sellerId = user.attributes.get('custom:sellerId');
        if (sellerId) return sellerId;
      }
      return null;
    },
  };
}
