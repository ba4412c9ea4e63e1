import type { ProtectedResourceMetadata } from '@pipeshub/models'
import { ADMIN_ONLY_SCOPES, PIPESHUB_SCOPES, type ResourcePolicy } from '@pipeshub/server'

/** The scopes PipesHub's MCP server asks for by default (its `scopes_supported`). */
export const PIPESHUB_MCP_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'semantic:write',
  'conversation:write',
  'conversation:chat',
  'kb:read',
  'team:read',
  'user:read',
  'config:read',
  'agent:read',
  'agent:execute',
  'connector:read',
]

/** The human-readable name of PipesHub's MCP server (RFC 9728 `resource_name`). */
export const MCP_RESOURCE_NAME = 'PipesHub MCP server'

/** What a dynamically registered client (an MCP client, an agent) may ask for: PipesHub's scopes but the admin-only ones. */
export const REGISTRATION_SCOPES: readonly string[] = PIPESHUB_SCOPES.filter(
  (scope) => !ADMIN_ONLY_SCOPES.includes(scope),
)

/**
 * The RFC 9728 document PipesHub serves for its MCP server at
 * `/.well-known/oauth-protected-resource/mcp`: this server is its authorization server.
 */
export function mcpResourceMetadata(input: {
  resource: string
  issuer: string
  documentation?: string | undefined
}): ProtectedResourceMetadata {
  const metadata: ProtectedResourceMetadata = {
    resource: input.resource,
    // RFC 9728 §2 RECOMMENDED: what a consent screen or an agent shows the end-user.
    resourceName: MCP_RESOURCE_NAME,
    authorizationServers: [input.issuer],
    scopesSupported: [...PIPESHUB_MCP_SCOPES],
    bearerMethodsSupported: ['header'],
  }
  if (input.documentation !== undefined) metadata.resourceDocumentation = input.documentation
  return metadata
}

/**
 * The resource policies with the MCP server among them: tokens for it may carry its scopes. A policy
 * configured for the same resource in `resources` wins.
 */
export function withMcpResource(
  resources: readonly ResourcePolicy[],
  mcpResource: string | undefined,
): ResourcePolicy[] {
  if (mcpResource === undefined || resources.some((policy) => policy.resource === mcpResource)) {
    return [...resources]
  }
  return [...resources, { resource: mcpResource, scopes: PIPESHUB_MCP_SCOPES }]
}
