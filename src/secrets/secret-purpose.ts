/**
 * The purpose each encrypted column is bound to (AES-GCM associated data), so a ciphertext
 * copied from one column into another does not decrypt.
 */
export const secretPurpose = {
  signingSecret: "webhook_group.signing_secret",
  oauthClientSecret: "webhook_group.oauth_client_secret",
  headers: "webhook_group.headers",
  jwtSecret: "webhook_group.jwt_secret",
} as const;
