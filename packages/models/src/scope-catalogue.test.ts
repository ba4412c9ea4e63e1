import { Compile } from 'typebox/compile'
import { describe, expect, it } from 'vitest'
import {
  describeScope,
  groupScopesByCategory,
  PIPESHUB_SCOPE_CATALOGUE,
  SCOPE_CATEGORIES,
  ScopeCatalogueWire,
} from './scope-catalogue.js'

// Written from PipesHub's catalogue as its backend lists it (not from this module), so that a scope
// dropped or renamed here fails.
const PIPESHUB_SCOPES = `org:read org:write org:admin user:read user:write user:invite user:delete
  usergroup:read usergroup:write team:read team:write kb:read kb:write kb:delete kb:upload
  semantic:read semantic:write semantic:delete conversation:read conversation:write conversation:chat
  agent:read agent:write agent:execute skill:read skill:write connector:read connector:write
  connector:sync connector:delete config:read config:write crawl:read crawl:write crawl:delete
  openid profile email offline_access`.split(/\s+/)
const ADMIN_ONLY = `org:write org:admin user:invite user:delete usergroup:write team:write config:write
  crawl:write crawl:delete`.split(/\s+/)
const MCP_DEFAULTS = `openid profile email offline_access semantic:write conversation:write conversation:chat
  kb:read team:read user:read config:read agent:read agent:execute connector:read`.split(/\s+/)

describe("PipesHub's scope catalogue", () => {
  it('holds every scope of PipesHub, once, in its order', () => {
    expect(PIPESHUB_SCOPE_CATALOGUE.map((entry) => entry.name)).toEqual(PIPESHUB_SCOPES)
  })

  it('marks exactly PipesHub admin-only scopes as admin-only, none of the MCP defaults among them', () => {
    expect(PIPESHUB_SCOPE_CATALOGUE.filter((entry) => entry.adminOnly).map((entry) => entry.name)).toEqual(
      ADMIN_ONLY,
    )
    for (const name of MCP_DEFAULTS) expect(describeScope(name).adminOnly, name).toBe(false)
  })

  it('describes every scope in its own words, never by its name', () => {
    const descriptions = PIPESHUB_SCOPE_CATALOGUE.map((entry) => entry.description)
    expect(new Set(descriptions).size).toBe(descriptions.length)
    for (const entry of PIPESHUB_SCOPE_CATALOGUE) {
      // Words, not scope syntax: no `kb:read`, no `offline_access`.
      expect(entry.description, entry.name).toMatch(/^[A-Z][^.:_`]{8,}$/)
    }
  })

  it("puts each scope in one of PipesHub's categories", () => {
    const category = (name: string) => describeScope(name).category
    expect(category('usergroup:write')).toBe('User Groups')
    expect(category('kb:upload')).toBe('Knowledge Base')
    expect(category('crawl:delete')).toBe('Crawling')
    expect(category('offline_access')).toBe('Access')
    expect(category('email')).toBe('Identity')
    expect(new Set(PIPESHUB_SCOPE_CATALOGUE.map((entry) => entry.category))).toEqual(
      new Set(SCOPE_CATEGORIES.filter((c) => c !== 'Other')),
    )
  })

  it('describes a scope outside the catalogue by its name under Other', () => {
    expect(describeScope('billing:read')).toEqual({
      name: 'billing:read',
      description: 'billing:read',
      category: 'Other',
      adminOnly: false,
    })
  })

  it('groups scopes by category in display order, leaving empty categories out, as the wire schema says', () => {
    const groups = groupScopesByCategory(['kb:read', 'openid', 'billing:read', 'kb:write', 'offline_access'])
    expect(groups.map((group) => [group.category, group.scopes.map((entry) => entry.name)])).toEqual([
      ['Identity', ['openid']],
      ['Access', ['offline_access']],
      ['Knowledge Base', ['kb:read', 'kb:write']],
      ['Other', ['billing:read']],
    ])
    const check = Compile(ScopeCatalogueWire)
    expect(check.Check({ categories: groupScopesByCategory(PIPESHUB_SCOPES) })).toBe(true)
    expect(check.Check({ categories: [{ category: 'Billing', scopes: [] }] })).toBe(false)
  })
})
