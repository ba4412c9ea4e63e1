import { groupScopesByCategory } from '@pipeshub/models'
import { RESOURCE_SEPARATOR } from '@pipeshub/server'
import { html, layout, type SafeHtml } from './html.js'

/** Form fields carried through a page unchanged (the authorization request, the CSRF token). */
export type HiddenFields = Readonly<Record<string, string>>

function hiddenInputs(fields: HiddenFields): SafeHtml {
  // RFC 8707 resource repeats: the parsed parameters join its values, the form must repeat it again.
  const inputs = Object.entries(fields).flatMap(([name, value]) =>
    name === 'resource'
      ? value.split(RESOURCE_SEPARATOR).map((one) => [name, one] as const)
      : [[name, value] as const],
  )
  return html`${inputs.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}`
}

function errorBox(error: string | undefined): SafeHtml {
  // role=alert makes screen readers announce the message as soon as the page loads.
  return error === undefined
    ? html``
    : html`<p class="error" id="form-error" role="alert" tabindex="-1">${error}</p>`
}

/** Where a signed-in person sees the apps they allowed and takes any of them back. */
export const CONNECTED_APPS_PATH = '/account/apps'

export interface LoginPageOptions {
  action: string
  hidden: HiddenFields
  /** The app the person signs in for; absent when they sign in to their own account pages. */
  clientName?: string | undefined
  username?: string | undefined
  error?: string | undefined
}

export function loginPage(options: LoginPageOptions): string {
  const invalid = options.error !== undefined
  const describedBy = invalid ? 'form-error' : undefined
  return layout({
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
${
  options.clientName === undefined
    ? html`<p class="lead">to see the apps you allowed</p>`
    : html`<p class="lead">to continue to <strong>${options.clientName}</strong></p>`
}
${errorBox(options.error)}
<form method="post" action="${options.action}" novalidate>
${hiddenInputs(options.hidden)}<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${options.username ?? ''}"${invalid ? html` aria-invalid="true" aria-describedby="${describedBy}"` : html``}${options.username ? html`` : html` autofocus`}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${invalid ? html` aria-invalid="true" aria-describedby="${describedBy}"` : html``}${options.username ? html` autofocus` : html``}>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`,
  })
}

/**
 * The scopes a person is asked about, in words, under their category (PipesHub's catalogue); a scope
 * outside the catalogue has no words and is shown by name under Other.
 */
export function scopeList(scopes: readonly string[]): SafeHtml {
  return html`${groupScopesByCategory(scopes).map(
    (group) => html`<h2 class="scope-category">${group.category}</h2>
<ul class="scopes">
${group.scopes.map((entry) =>
  entry.category === 'Other'
    ? html`<li><code>${entry.name}</code></li>\n`
    : html`<li>${entry.description}</li>\n`,
)}</ul>
`,
  )}`
}

export interface ConsentPageOptions {
  action: string
  hidden: HiddenFields
  clientName: string
  userName: string
  scopes: readonly string[]
  /** RFC 8628 §5.4: the user code of a device asking for access, which the person checks against the device. */
  deviceUserCode?: string | undefined
  /** RFC 8707: the resource servers the access is for (their identifier, and their name when known). */
  resources?: readonly ConsentResource[] | undefined
}

/** A resource server named on the consent page. */
export interface ConsentResource {
  resource: string
  name?: string | undefined
}

/**
 * RFC 8707: where the access applies, so a person can tell an agent's MCP access from an API's. `id`
 * only where the list appears once on the page (the consent page; the apps page has one per app).
 */
function resourceList(resources: readonly ConsentResource[], id?: string): SafeHtml {
  if (resources.length === 0) return html``
  return html`<p class="resources-lead">The access is only for:</p>
<ul class="resources"${id === undefined ? html`` : html` id="${id}"`}>
${resources.map((entry) =>
  entry.name === undefined
    ? html`<li><code>${entry.resource}</code></li>
`
    : html`<li><strong>${entry.name}</strong> (<code>${entry.resource}</code>)</li>
`,
)}</ul>
`
}

export function consentPage(options: ConsentPageOptions): string {
  return layout({
    title: 'Allow access',
    body: html`<h1>Allow access?</h1>
<p class="lead"><strong>${options.clientName}</strong> wants to access your PipesHub account (signed in as ${options.userName}).</p>
${
  options.deviceUserCode === undefined
    ? html``
    : html`<p class="device-code">Allow only if your device shows the code <strong id="device-user-code">${options.deviceUserCode}</strong>. If you did not start this on a device of yours, deny.</p>
`
}${resourceList(options.resources ?? [], 'consent-resources')}<form method="post" action="${options.action}">
${hiddenInputs(options.hidden)}<fieldset>
<legend>It will be able to:</legend>
${scopeList(options.scopes)}</fieldset>
<div class="actions">
<button type="submit" name="consent" value="denied" class="secondary">Deny</button>
<button type="submit" name="consent" value="granted" class="primary" autofocus>Allow</button>
</div>
</form>
<p class="muted">You can change your mind later, on <a href="${CONNECTED_APPS_PATH}">the page of the apps you allowed</a>; the application only gets what is listed above.</p>`,
  })
}

/** An app as the connected-apps page lists it. */
export interface ConnectedApp {
  clientId: string
  clientName: string
  homepageUrl: string | null
  scope: readonly string[]
  /** RFC 8707: the resources it was allowed tokens for; empty for this server's own audience only. */
  resources?: readonly ConsentResource[] | undefined
  /** When the person allowed it, seconds since the epoch. */
  grantedAt: number
}

export interface ConnectedAppsPageOptions {
  action: string
  csrfToken: string
  userName: string
  apps: readonly ConnectedApp[]
  /** What just happened (an app taken back), announced to screen readers. */
  notice?: string | undefined
  error?: string | undefined
}

const dateOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10)

/**
 * The apps a person allowed, each with what it may do and a button taking it back. A home page links
 * only when it is an http(s) URL: a stored `javascript:` one stays text.
 */
export function connectedAppsPage(options: ConnectedAppsPageOptions): string {
  return layout({
    title: 'Apps you allowed',
    body: html`<h1>Apps you allowed</h1>
<p class="lead">Signed in as ${options.userName}. Remove an app and it loses access at once; it has to ask you again.</p>
${errorBox(options.error)}${
  options.notice === undefined
    ? html``
    : html`<p class="notice" role="status">${options.notice}</p>
`
}${
  options.apps.length === 0
    ? html`<p id="no-apps">You have not allowed any app to access your account.</p>`
    : html`<ul class="apps">
${options.apps.map(
  (app) => html`<li class="app">
<h2>${app.homepageUrl === null || !/^https?:\/\//i.test(app.homepageUrl) ? app.clientName : html`<a href="${app.homepageUrl}" rel="noopener noreferrer">${app.clientName}</a>`}</h2>
<p class="muted">Allowed on ${dateOf(app.grantedAt)}. It can:</p>
${scopeList(app.scope)}${resourceList(app.resources ?? [])}<form method="post" action="${options.action}">
<input type="hidden" name="csrf_token" value="${options.csrfToken}">
<input type="hidden" name="client_id" value="${app.clientId}">
<div class="actions"><button type="submit" class="secondary" aria-label="Remove ${app.clientName}">Remove access</button></div>
</form>
</li>
`,
)}</ul>`
}`,
  })
}

export interface UserCodePageOptions {
  action: string
  /** What the person typed, shown again after an error. */
  userCode?: string | undefined
  error?: string | undefined
}

/** RFC 8628 §3.3: where a person types the code their device shows. */
export function userCodePage(options: UserCodePageOptions): string {
  const invalid = options.error !== undefined
  return layout({
    title: 'Connect a device',
    body: html`<h1>Connect a device</h1>
<p class="lead">Enter the code shown on your device.</p>
${errorBox(options.error)}
<form method="get" action="${options.action}" novalidate>
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required placeholder="XXXX-XXXX" maxlength="32" value="${options.userCode ?? ''}"${invalid ? html` aria-invalid="true" aria-describedby="form-error"` : html``} autofocus>
<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>`,
  })
}

export interface DeviceResultPageOptions {
  approved: boolean
  clientName: string
}

/** The end of the verification: the person goes back to the device, which gets its tokens (or not). */
export function deviceResultPage(options: DeviceResultPageOptions): string {
  return options.approved
    ? layout({
        title: 'Device connected',
        body: html`<h1>Device connected</h1>
<p class="lead" role="status"><strong>${options.clientName}</strong> can now access your account. You can close this page and return to your device.</p>`,
      })
    : layout({
        title: 'Request denied',
        body: html`<h1>Request denied</h1>
<p class="lead" role="status"><strong>${options.clientName}</strong> was not given access. You can close this page.</p>`,
      })
}

export interface LogoutConfirmPageOptions {
  action: string
  /** The logout request's own parameters and the CSRF token, posted back with the decision. */
  hidden: HiddenFields
  /** The relying party that asked, when it is known (id_token_hint or client_id). */
  clientName?: string | undefined
  userName: string
  error?: string | undefined
}

/** OpenID Connect RP-Initiated Logout 1.0 §2: the OP asks whether the end-user wants to log out. */
export function logoutConfirmPage(options: LogoutConfirmPageOptions): string {
  return layout({
    title: 'Sign out',
    body: html`<h1>Sign out?</h1>
<p class="lead">${
      options.clientName === undefined
        ? html`Sign out of PipesHub`
        : html`<strong>${options.clientName}</strong> asks to sign you out of PipesHub`
    } (signed in as ${options.userName}).</p>
${errorBox(options.error)}
<form method="post" action="${options.action}">
${hiddenInputs(options.hidden)}<div class="actions">
<button type="submit" name="logout" value="cancel" class="secondary">Stay signed in</button>
<button type="submit" name="logout" value="confirm" class="primary" autofocus>Sign out</button>
</div>
</form>`,
  })
}

export interface LoggedOutPageOptions {
  /** false: the end-user chose to stay signed in. */
  loggedOut: boolean
}

/** The end of a logout without a post-logout redirect. */
export function loggedOutPage(options: LoggedOutPageOptions): string {
  return options.loggedOut
    ? layout({
        title: 'Signed out',
        body: html`<h1>You are signed out</h1>
<p class="lead" role="status">You have been signed out of PipesHub. You can close this page.</p>`,
      })
    : layout({
        title: 'Still signed in',
        body: html`<h1>You are still signed in</h1>
<p class="lead" role="status">Nothing was changed. You can close this page.</p>`,
      })
}

export interface ErrorPageOptions {
  title: string
  message: string
}

/** Shown when the request cannot be sent back to the client (unknown client, bad redirect URI, ...). */
export function errorPage(options: ErrorPageOptions): string {
  return layout({
    title: options.title,
    body: html`<h1>${options.title}</h1>
<p class="error" role="alert">${options.message}</p>
<p class="muted">Go back to the application and try again. If this keeps happening, contact its developer.</p>`,
  })
}
