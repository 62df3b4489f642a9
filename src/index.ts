export { WebhookVerificationError, verifyWebhook } from "./verify-webhook.js";
export type { VerifiedWebhook, VerifyWebhookInput, WebhookHeaders, WebhookVerificationReason } from "./verify-webhook.js";
