import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'

// PipesHub's frontend asking the provider what to show on its consent page, written from
// `shared/PIPESHUB.md` ("Login and consent live in PipesHub's own single-page frontend"), not derived
// from @pipeshub/models: `GET /oauth2/authorize` with the query of the app's authorization request and
// the user's session as Bearer answers 200 JSON, the consent data the page renders. The decision that
// follows is the SDK's `oauthAuthorizeConsent` (./sdk.ts).

const text = () => Type.Optional(Type.String())

/** What the frontend reads from the consent-data answer. */
export const FrontendConsentData = Type.Object(
  {
    requiresConsent: Type.Literal(true),
    consentData: Type.Object({
      app: Type.Object({
        name: Type.String(),
        description: text(),
        logoUrl: text(),
        homepageUrl: text(),
        privacyPolicyUrl: text(),
      }),
      scopes: Type.Array(
        Type.Object({ name: Type.String(), description: Type.String(), category: Type.String() }),
      ),
      user: Type.Object({ email: text(), name: text() }),
      redirectUri: Type.String(),
      state: Type.String(),
    }),
    codeChallenge: text(),
    codeChallengeMethod: text(),
  },
  { title: 'FrontendConsentData' },
)

const check = Compile(FrontendConsentData)

/** The consent data for the app's authorization request `query`, asked with the user's session. */
export async function frontendConsentData(
  fetch: (input: string, init?: RequestInit) => Promise<Response>,
  serverUrl: string,
  query: Readonly<Record<string, string>>,
  sessionToken: string,
): Promise<Static<typeof FrontendConsentData>> {
  const url = `${serverUrl.replace(/\/+$/, '')}/oauth2/authorize?${new URLSearchParams(query)}`
  const response = await fetch(url, {
    headers: { Accept: 'application/json', Authorization: `Bearer ${sessionToken}` },
  })
  if (response.status !== 200) throw new Error(`consent data: status ${response.status}`)
  const body: unknown = await response.json()
  if (!check.Check(body)) {
    const issues = check.Errors(body).map((error) => `${error.instancePath || '/'}: ${error.message}`)
    throw new Error(`consent data: ${issues.join('; ')}`)
  }
  return body
}
