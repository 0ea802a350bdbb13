/** Claims of a verified user JWT, as the API Gateway JWT authorizer would pass them on. */
export type JwtClaims = Record<string, unknown>;

/**
 * Verifies a user's bearer token where API Gateway did not (routes that also serve consumers):
 * against the Cognito user pool's keys in AWS, against the local signing key locally.
 */
export interface JwtVerifier {
  verify(token: string): Promise<JwtClaims | null>;
}
