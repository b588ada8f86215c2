/**
 * A webhook's id: 1 to 64 letters, digits and hyphens, starting with a letter or digit. It names
 * the webhook's EventBridge rule and is how a queued delivery names its webhook.
 */
export const WEBHOOK_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
