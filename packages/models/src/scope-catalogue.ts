import Type, { type Static } from 'typebox'
import { SCOPE_TOKEN_PATTERN } from './grammar.js'
import { NonEmptyString } from './jwt-claims.js'

/**
 * PipesHub's scope categories, in the order people are shown them (consent page, app management).
 * `Other` holds the scopes of a server configured with scopes outside PipesHub's catalogue.
 */
export const SCOPE_CATEGORIES = [
  'Identity',
  'Access',
  'Organization',
  'Users',
  'User Groups',
  'Teams',
  'Knowledge Base',
  'Semantic',
  'Conversations',
  'Agents',
  'Connectors',
  'Configuration',
  'Crawling',
  'Other',
] as const
export type ScopeCategory = (typeof SCOPE_CATEGORIES)[number]

/** One scope as a person is told about it. */
export interface ScopeDescription {
  /** The scope token (RFC 6749 §3.3), e.g. `kb:read`. */
  name: string
  /** What granting it lets an application do, in words for the end-user. */
  description: string
  category: ScopeCategory
  /** Only an administrator of the organisation may grant it (or hold a token carrying it). */
  adminOnly: boolean
}

const scope = (
  name: string,
  category: ScopeCategory,
  description: string,
  adminOnly = false,
): ScopeDescription => Object.freeze({ name, description, category, adminOnly })

/**
 * Every scope of PipesHub's catalogue (its backend module `oauth_provider`), with its category, whether
 * it is for administrators only, and a description written for the person asked to consent.
 */
export const PIPESHUB_SCOPE_CATALOGUE: readonly ScopeDescription[] = Object.freeze([
  scope('org:read', 'Organization', "See your organization's name, details and settings"),
  scope('org:write', 'Organization', "Change your organization's details and settings", true),
  scope('org:admin', 'Organization', 'Act as an administrator of your organization', true),
  scope('user:read', 'Users', 'See the people in your organization and their profiles'),
  scope('user:write', 'Users', 'Change the profiles of people in your organization'),
  scope('user:invite', 'Users', 'Invite new people to your organization', true),
  scope('user:delete', 'Users', 'Remove people from your organization', true),
  scope('usergroup:read', 'User Groups', 'See user groups and who belongs to them'),
  scope('usergroup:write', 'User Groups', 'Create, change and delete user groups', true),
  scope('team:read', 'Teams', 'See teams and their members'),
  scope('team:write', 'Teams', 'Create, change and delete teams and their membership', true),
  scope('kb:read', 'Knowledge Base', 'Read the documents and records in your knowledge bases'),
  scope('kb:write', 'Knowledge Base', 'Create and change knowledge bases and their records'),
  scope('kb:delete', 'Knowledge Base', 'Delete knowledge bases and their records'),
  scope('kb:upload', 'Knowledge Base', 'Upload files into your knowledge bases'),
  scope('semantic:read', 'Semantic', 'See your semantic searches and what they found'),
  scope('semantic:write', 'Semantic', 'Search your content by meaning and keep the results'),
  scope('semantic:delete', 'Semantic', 'Delete your semantic searches and their results'),
  scope('conversation:read', 'Conversations', 'Read your conversations with the assistant'),
  scope('conversation:write', 'Conversations', 'Start, rename, share and delete your conversations'),
  scope('conversation:chat', 'Conversations', 'Send messages to the assistant as you'),
  scope('agent:read', 'Agents', 'See your agents and how they are set up'),
  scope('agent:write', 'Agents', 'Create, change and delete agents'),
  scope('agent:execute', 'Agents', 'Run agents as you'),
  scope('skill:read', 'Agents', 'See the skills your agents can use'),
  scope('skill:write', 'Agents', 'Create, change and delete the skills of agents'),
  scope('connector:read', 'Connectors', 'See which data sources are connected and how they are doing'),
  scope('connector:write', 'Connectors', 'Connect, set up and change data sources'),
  scope('connector:sync', 'Connectors', 'Start syncing your connected data sources'),
  scope('connector:delete', 'Connectors', 'Disconnect data sources and delete what they brought in'),
  scope(
    'config:read',
    'Configuration',
    "See your organization's configuration (AI models, storage, services)",
  ),
  scope('config:write', 'Configuration', "Change your organization's configuration", true),
  scope('crawl:read', 'Crawling', 'See web crawling jobs and what they collected'),
  scope('crawl:write', 'Crawling', 'Create, start and change web crawling jobs', true),
  scope('crawl:delete', 'Crawling', 'Delete web crawling jobs and what they collected', true),
  scope('openid', 'Identity', 'Confirm who you are'),
  scope('profile', 'Identity', 'See your name and username'),
  scope('email', 'Identity', 'See your email address'),
  scope('offline_access', 'Access', 'Keep this access while you are away, until you take it back'),
])

const byName = new Map(PIPESHUB_SCOPE_CATALOGUE.map((entry) => [entry.name, entry]))

/**
 * The catalogue entry of a scope; a scope outside the catalogue (a server configured with its own)
 * is described by its name, in `Other`, and is not admin-only.
 */
export function describeScope(name: string): ScopeDescription {
  return byName.get(name) ?? { name, description: name, category: 'Other', adminOnly: false }
}

/** The scopes of one category, in catalogue order. */
export interface ScopeCategoryGroup {
  category: ScopeCategory
  scopes: ScopeDescription[]
}

/** `scopes` described and grouped by category, categories in `SCOPE_CATEGORIES` order, empty ones left out. */
export function groupScopesByCategory(scopes: readonly string[]): ScopeCategoryGroup[] {
  const described = scopes.map(describeScope)
  return SCOPE_CATEGORIES.map((category) => ({
    category,
    scopes: described.filter((entry) => entry.category === category),
  })).filter((group) => group.scopes.length > 0)
}

export const ScopeDescriptionWire = Type.Object(
  {
    name: Type.String({ pattern: SCOPE_TOKEN_PATTERN, description: 'The scope token (RFC 6749 §3.3).' }),
    description: NonEmptyString('What granting the scope lets an application do, for the end-user.'),
    category: Type.Enum(SCOPE_CATEGORIES, { description: 'The category the scope is shown under.' }),
    adminOnly: Type.Boolean({ description: 'Only an administrator of the organisation may grant it.' }),
  },
  {
    title: 'ScopeDescription',
    description: "One scope of PipesHub's catalogue as people are told about it (PipesHub's camelCase JSON).",
    additionalProperties: false,
  },
)
export type ScopeDescriptionWire = Static<typeof ScopeDescriptionWire>

export const ScopeCatalogueWire = Type.Object(
  {
    categories: Type.Array(
      Type.Object(
        {
          category: ScopeDescriptionWire.properties.category,
          scopes: Type.Array(ScopeDescriptionWire),
        },
        { additionalProperties: false },
      ),
      { description: 'The scopes the server knows, grouped by category, in display order.' },
    ),
  },
  {
    title: 'ScopeCatalogue',
    description: 'GET /api/v1/oauth-clients/scopes: every scope the server knows, by category.',
    additionalProperties: false,
  },
)
export type ScopeCatalogueWire = Static<typeof ScopeCatalogueWire>
