import type { SqlDialect } from './dialect.js'

/**
 * Versioned schema migrations, applied in order at open and recorded in `pipeshub_oauth_migrations`.
 * Each is written once, as a function of the dialect (column types differ). Never edit a released
 * migration, not even its whitespace: the SQL it produces is pinned by `migrations.test.ts`, and a
 * database that applied it keeps what it produced. Append a new one, with the next number. Times are
 * epoch seconds; scopes are space-delimited; lists are JSON arrays.
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

const initialTables = ({ types: { bigint, boolean: bool, false: falseValue } }: SqlDialect) => `
CREATE TABLE oauth_clients (
  client_id TEXT PRIMARY KEY,
  secret_hash TEXT,
  name TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  grant_types TEXT NOT NULL,
  scopes TEXT NOT NULL,
  allow_plain_pkce ${bool} NOT NULL DEFAULT ${falseValue},
  access_token_lifetime INTEGER,
  refresh_token_lifetime INTEGER,
  created_at ${bigint} NOT NULL
);
CREATE TABLE oauth_users (
  subject TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT,
  name TEXT,
  email TEXT,
  email_verified ${bool} NOT NULL DEFAULT ${falseValue},
  created_at ${bigint} NOT NULL
);
CREATE TABLE oauth_authorization_codes (
  code_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scope TEXT NOT NULL,
  code_challenge TEXT,
  code_challenge_method TEXT,
  nonce TEXT,
  auth_time ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL,
  created_at ${bigint} NOT NULL,
  consumed_at ${bigint},
  issued_access_token_jti TEXT,
  issued_access_token_expires_at ${bigint},
  issued_family_id TEXT
);
CREATE TABLE oauth_refresh_token_families (
  family_id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  auth_time ${bigint} NOT NULL,
  created_at ${bigint} NOT NULL,
  revoked_at ${bigint}
);
CREATE TABLE oauth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL REFERENCES oauth_refresh_token_families (family_id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  scope TEXT NOT NULL,
  auth_time ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL,
  created_at ${bigint} NOT NULL,
  rotated_at ${bigint},
  access_token_jti TEXT,
  access_token_expires_at ${bigint}
);
CREATE INDEX oauth_refresh_tokens_family ON oauth_refresh_tokens (family_id);
CREATE TABLE oauth_signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  private_jwk TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at ${bigint} NOT NULL,
  activates_at ${bigint} NOT NULL,
  expires_at ${bigint}
);
CREATE TABLE oauth_consents (
  subject TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  granted_at ${bigint} NOT NULL,
  PRIMARY KEY (subject, client_id)
);
CREATE TABLE oauth_sessions (
  session_id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  auth_time ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL
);
CREATE TABLE oauth_revoked_access_tokens (
  jti TEXT PRIMARY KEY,
  expires_at ${bigint} NOT NULL
);
`

// A disabled client keeps its row (and its grants' history) instead of losing its redirect URIs.
const clientDisabledAt = ({ types: { bigint } }: SqlDialect) =>
  `ALTER TABLE oauth_clients ADD COLUMN disabled_at ${bigint};`

// CORS: the origins of a client's browser apps, a JSON array like redirect_uris.
const clientWebOrigins = `ALTER TABLE oauth_clients ADD COLUMN web_origins TEXT NOT NULL DEFAULT '[]';`

// Which token replaced a rotated one: a retry within the reuse interval revokes exactly that successor.
const refreshTokenReplacedBy = 'ALTER TABLE oauth_refresh_tokens ADD COLUMN replaced_by TEXT;'

// RFC 8707: the resource indicators a grant was authorized for, a JSON array, on the code and its family.
const grantResources = `ALTER TABLE oauth_authorization_codes ADD COLUMN resources TEXT NOT NULL DEFAULT '[]';
ALTER TABLE oauth_refresh_token_families ADD COLUMN resources TEXT NOT NULL DEFAULT '[]';`

// RFC 7591/7592: the registration of a dynamically registered client (its access token, hashed).
const clientRegistrations = ({ types: { bigint } }: SqlDialect) => `CREATE TABLE oauth_client_registrations (
  client_id TEXT PRIMARY KEY REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  access_token_hash TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at ${bigint} NOT NULL,
  updated_at ${bigint} NOT NULL
);`
// OIDC profile claims of the end-user: given_name, family_name, updated_at (OIDC Core §5.1).
const userProfileClaims = ({ types: { bigint } }: SqlDialect) => `
ALTER TABLE oauth_users ADD COLUMN given_name TEXT;
ALTER TABLE oauth_users ADD COLUMN family_name TEXT;
ALTER TABLE oauth_users ADD COLUMN updated_at ${bigint};
`

// OIDC Dynamic Client Registration §2: a client may ask for another ID-token algorithm than RS256.
const clientIdTokenAlg = `ALTER TABLE oauth_clients ADD COLUMN id_token_signed_response_alg TEXT;`

// RFC 8628: device authorizations, their user code (hashed, unique) and the end-user's decision.
const deviceCodes = ({ types: { bigint } }: SqlDialect) => `CREATE TABLE oauth_device_codes (
  device_code_hash TEXT PRIMARY KEY,
  user_code_hash TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  resources TEXT NOT NULL,
  poll_interval INTEGER NOT NULL,
  expires_at ${bigint} NOT NULL,
  created_at ${bigint} NOT NULL,
  last_polled_at ${bigint},
  last_poll_slowed INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  subject TEXT,
  auth_time ${bigint},
  decided_at ${bigint},
  consumed_at ${bigint},
  issued_family_id TEXT
);
CREATE INDEX oauth_device_codes_expires_at ON oauth_device_codes (expires_at);`

// Secrets the server makes for itself and shares between instances (the key of the CSRF tokens).
const serverSecrets = ({ types: { bigint } }: SqlDialect) => `CREATE TABLE oauth_server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at ${bigint} NOT NULL
);`
// A disabled end-user keeps their row, consents and grants, like a disabled client (migration 2).
const userDisabledAt = ({ types: { bigint } }: SqlDialect) =>
  `ALTER TABLE oauth_users ADD COLUMN disabled_at ${bigint};`

// RFC 9449 (DPoP) and RFC 7523: the single-use JWT IDs shared by instances (DPoP proofs, client
// assertions); a client's dpop_bound_access_tokens (RFC 9449 §5.2); the key thumbprint an authorization
// code (dpop_jkt, §10) and a public client's refresh token (§5) are bound to.
const dpop = ({ types: { bigint, boolean: bool, false: falseValue } }: SqlDialect) => `
CREATE TABLE oauth_used_jwt_ids (
  kind TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at ${bigint} NOT NULL,
  PRIMARY KEY (kind, jti)
);
CREATE INDEX oauth_used_jwt_ids_expires_at ON oauth_used_jwt_ids (expires_at);
ALTER TABLE oauth_clients ADD COLUMN dpop_bound_access_tokens ${bool} NOT NULL DEFAULT ${falseValue};
ALTER TABLE oauth_authorization_codes ADD COLUMN dpop_jkt TEXT;
ALTER TABLE oauth_refresh_tokens ADD COLUMN dpop_jkt TEXT;
`

// PipesHub's OAuth apps: what the consent page and app management show (description, logo, homepage,
// privacy policy), and when an administrator revoked all of an app's tokens (access tokens issued at or
// before then are inactive, client_credentials ones included, which are stored nowhere else). Grants
// are revoked per app and per user at an app: index them by owner.
const appMetadata = ({ types: { bigint } }: SqlDialect) => `
ALTER TABLE oauth_clients ADD COLUMN description TEXT;
ALTER TABLE oauth_clients ADD COLUMN logo_url TEXT;
ALTER TABLE oauth_clients ADD COLUMN homepage_url TEXT;
ALTER TABLE oauth_clients ADD COLUMN privacy_policy_url TEXT;
ALTER TABLE oauth_clients ADD COLUMN tokens_revoked_at ${bigint};
CREATE INDEX oauth_refresh_token_families_owner ON oauth_refresh_token_families (client_id, subject);
CREATE INDEX oauth_refresh_tokens_owner ON oauth_refresh_tokens (client_id, subject);
CREATE INDEX oauth_authorization_codes_owner ON oauth_authorization_codes (client_id, subject);
CREATE INDEX oauth_consents_client ON oauth_consents (client_id);
`

// RFC 9126: pushed authorization requests, shared by instances; a client's require_pushed_authorization_requests.
// RFC 7523 §2.2: a client's public keys (inline JWKS) and its pinned client-assertion algorithm.
const parAndPrivateKeyJwt = ({ types: { bigint, boolean: bool, false: falseValue } }: SqlDialect) => `
CREATE TABLE oauth_pushed_authorization_requests (
  request_uri_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  parameters TEXT NOT NULL,
  expires_at ${bigint} NOT NULL,
  created_at ${bigint} NOT NULL,
  first_used_at ${bigint}
);
CREATE INDEX oauth_pushed_authorization_requests_expires_at ON oauth_pushed_authorization_requests (expires_at);
ALTER TABLE oauth_clients ADD COLUMN require_pushed_authorization_requests ${bool} NOT NULL DEFAULT ${falseValue};
ALTER TABLE oauth_clients ADD COLUMN jwks TEXT;
ALTER TABLE oauth_clients ADD COLUMN token_endpoint_auth_signing_alg TEXT;
`

// Personal access tokens of end-users (the value's SHA-256 only), listed per user.
const personalAccessTokens = ({
  types: { bigint },
}: SqlDialect) => `CREATE TABLE oauth_personal_access_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL
);
CREATE INDEX oauth_personal_access_tokens_subject ON oauth_personal_access_tokens (subject, created_at);`

// OpenID Connect RP-Initiated Logout 1.0 §3.1: a client's registered post_logout_redirect_uris.
const postLogoutRedirectUris = `ALTER TABLE oauth_clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';`

// RFC 7591 jwks_uri: a private_key_jwt client's keys, fetched from where it publishes them.
const clientJwksUri = 'ALTER TABLE oauth_clients ADD COLUMN jwks_uri TEXT;'

// RFC 8707: the resources a remembered consent covers, a JSON array. An existing consent covers none
// (only the default audience), so a request naming a resource asks the end-user again.
const consentResources = `ALTER TABLE oauth_consents ADD COLUMN resources TEXT NOT NULL DEFAULT '[]';`

interface MigrationSource {
  readonly version: number
  readonly name: string
  readonly sql: string | ((dialect: SqlDialect) => string)
}

const MIGRATIONS: readonly MigrationSource[] = [
  { version: 1, name: 'initial', sql: initialTables },
  { version: 2, name: 'client_disabled_at', sql: clientDisabledAt },
  { version: 3, name: 'client_web_origins', sql: clientWebOrigins },
  { version: 4, name: 'refresh_token_replaced_by', sql: refreshTokenReplacedBy },
  { version: 5, name: 'grant_resources', sql: grantResources },
  { version: 6, name: 'client_registrations', sql: clientRegistrations },
  { version: 7, name: 'user_profile_claims', sql: userProfileClaims },
  { version: 8, name: 'client_id_token_signed_response_alg', sql: clientIdTokenAlg },
  { version: 9, name: 'device_codes', sql: deviceCodes },
  { version: 10, name: 'server_secrets', sql: serverSecrets },
  { version: 11, name: 'user_disabled_at', sql: userDisabledAt },
  { version: 12, name: 'dpop', sql: dpop },
  { version: 13, name: 'app_metadata', sql: appMetadata },
  { version: 14, name: 'personal_access_tokens', sql: personalAccessTokens },
  { version: 15, name: 'par_and_private_key_jwt', sql: parAndPrivateKeyJwt },
  { version: 16, name: 'client_post_logout_redirect_uris', sql: postLogoutRedirectUris },
  { version: 19, name: 'client_jwks_uri', sql: clientJwksUri },
  { version: 20, name: 'consent_resources', sql: consentResources },
]

/** The migrations as `dialect` runs them. */
export function migrationsFor(dialect: SqlDialect): readonly Migration[] {
  return MIGRATIONS.map(({ version, name, sql }) => ({
    version,
    name,
    sql: typeof sql === 'string' ? sql : sql(dialect),
  }))
}
