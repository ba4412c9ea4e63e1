import { describe, expect, it } from 'vitest'
import { escapeHtml, html } from './html.js'
import { connectedAppsPage, consentPage, errorPage, loginPage } from './pages.js'

const HOSTILE = `"><script>alert('x')</script>&`

describe('page rendering', () => {
  it('escapes every character that could leave text or an attribute value', () => {
    expect(escapeHtml(HOSTILE)).toBe('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;')
    expect(html`<p title="${HOSTILE}">${HOSTILE}</p>`.value).not.toContain('<script>')
  })

  it('carries hostile request parameters and client names as inert text', () => {
    const login = loginPage({
      action: '/authorize',
      hidden: { state: HOSTILE, [HOSTILE]: 'x' },
      clientName: HOSTILE,
      username: HOSTILE,
      error: HOSTILE,
    })
    const consent = consentPage({
      action: '/authorize',
      hidden: { state: HOSTILE },
      clientName: HOSTILE,
      userName: HOSTILE,
      scopes: [HOSTILE],
      resources: [{ resource: HOSTILE, name: HOSTILE }, { resource: HOSTILE }],
    })
    const error = errorPage({ title: HOSTILE, message: HOSTILE })
    const apps = connectedAppsPage({
      action: '/account/apps',
      csrfToken: HOSTILE,
      userName: HOSTILE,
      apps: [
        { clientId: HOSTILE, clientName: HOSTILE, homepageUrl: HOSTILE, scope: [HOSTILE], grantedAt: 0 },
      ],
      notice: HOSTILE,
    })
    for (const page of [login, consent, error, apps]) {
      expect(page).not.toContain('<script>')
      expect(page).not.toContain(HOSTILE)
      expect(page).toContain(escapeHtml(HOSTILE))
      expect(page.startsWith('<!doctype html><html lang="en">')).toBe(true)
    }
  })

  it("links an app's home page only when it is an http(s) URL", () => {
    const page = (homepageUrl: string) =>
      connectedAppsPage({
        action: '/account/apps',
        csrfToken: 't',
        userName: 'Alice',
        apps: [{ clientId: 'c', clientName: 'App', homepageUrl, scope: ['openid'], grantedAt: 0 }],
      })
    expect(page('https://app.example/')).toContain('<a href="https://app.example/"')
    expect(page('javascript:alert(1)')).not.toContain('<a href="javascript')
  })

  it('labels every field and announces a login error', () => {
    const page = loginPage({ action: '/a', hidden: {}, clientName: 'App', error: 'Wrong.' })
    expect(page).toContain('<label for="username">')
    expect(page).toContain('<label for="password">')
    expect(page).toContain('<p class="error" id="form-error" role="alert" tabindex="-1">Wrong.</p>')
    expect(page).toContain('aria-describedby="form-error"')
  })
})
