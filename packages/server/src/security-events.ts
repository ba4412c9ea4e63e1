/**
 * What an operator must be able to see and alert on, as structured events (never a secret: ids,
 * reasons, key ids). `AuthorizationServerOptions.onSecurityEvent` receives them; the token server
 * writes them as log entries with `event` set to the type.
 */
export type SecurityEvent =
  | {
      type: 'client_authentication_failed'
      /** The client id the request named (HTTP Basic user or `client_id`), when it named one. */
      clientId: string | undefined
      /** The `error_description` of the `invalid_client` answer. */
      reason: string
    }
  | { type: 'refresh_token_reuse_detected'; clientId: string; subject: string; familyId: string }
  | { type: 'authorization_code_reuse_detected'; clientId: string }
  | { type: 'signing_key_rotated'; kid: string; alg: string; activatesAt: number }
  | { type: 'client_disabled'; clientId: string }
  | { type: 'client_enabled'; clientId: string }
  | { type: 'user_disabled'; subject: string }
  | { type: 'user_enabled'; subject: string }

export type SecurityEventListener = (event: SecurityEvent) => void
