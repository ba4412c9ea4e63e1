import Type, { type Static } from 'typebox'
import { NonEmptyString } from './jwt-claims.js'
import { ScopeDescriptionWire } from './scope-catalogue.js'

// The authorization endpoint's JSON for PipesHub's own frontend, which renders login and consent
// itself: `GET /authorize` with the user's session answers the consent data, `POST /authorize` with
// `consent` answers where the browser goes next. PipesHub's camelCase names, wire and model one shape.

const url = (description: string) => Type.String({ format: 'uri', description })

export const AuthorizationConsentWire = Type.Object(
  {
    requiresConsent: Type.Literal(true, { description: 'The user must decide: show the consent screen.' }),
    consentData: Type.Object(
      {
        app: Type.Object(
          {
            name: NonEmptyString('The name of the app asking.'),
            description: Type.Optional(Type.String({ description: 'What the app does.' })),
            logoUrl: Type.Optional(url("The app's logo.")),
            homepageUrl: Type.Optional(url("The app's home page.")),
            privacyPolicyUrl: Type.Optional(url("The app's privacy policy.")),
          },
          { additionalProperties: false },
        ),
        scopes: Type.Array(
          Type.Object(
            {
              name: ScopeDescriptionWire.properties.name,
              description: ScopeDescriptionWire.properties.description,
              category: Type.String({
                minLength: 1,
                description: "The scope's category in PipesHub's catalogue; Other for a scope outside it.",
              }),
            },
            { additionalProperties: false },
          ),
          { description: 'What the app asks for, in words, catalogue order by category.' },
        ),
        user: Type.Object(
          {
            email: Type.Optional(
              Type.String({ description: 'The signed-in user, when they have an email.' }),
            ),
            name: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        resources: Type.Optional(
          Type.Array(
            Type.Object(
              {
                resource: NonEmptyString('The resource indicator (RFC 8707 §2), an absolute URI.'),
                name: Type.Optional(
                  Type.String({
                    description: 'Its human-readable name (RFC 9728 resource_name), when known.',
                  }),
                ),
              },
              { additionalProperties: false },
            ),
            {
              description:
                'RFC 8707: the resource servers the tokens will be for; absent when the request names none (the tokens are for PipesHub itself).',
            },
          ),
        ),
        redirectUri: NonEmptyString('Where the app gets its answer.'),
        state: Type.String({ description: "The app's state (RFC 6749 §4.1.1), echoed to it." }),
      },
      { additionalProperties: false },
    ),
    codeChallenge: Type.Optional(
      Type.String({ description: 'The PKCE challenge of the request (RFC 7636).' }),
    ),
    codeChallengeMethod: Type.Optional(Type.String({ description: 'S256 (or plain, when allowed).' })),
  },
  {
    title: 'AuthorizationConsent',
    description:
      'GET /api/v1/oauth2/authorize with the user session of the frontend: what the consent screen shows.',
    additionalProperties: false,
  },
)
export type AuthorizationConsentWire = Static<typeof AuthorizationConsentWire>

export const AuthorizationRedirectWire = Type.Object(
  {
    redirectUrl: url(
      "Where the browser goes next: the app's redirect URI with code and state, or with an error (access_denied, consent_required, ...).",
    ),
  },
  {
    title: 'AuthorizationRedirect',
    description:
      "The authorization endpoint's answer to the frontend when the request is decided (POST with consent, a remembered consent, or an error the app is told about).",
    additionalProperties: false,
  },
)
export type AuthorizationRedirectWire = Static<typeof AuthorizationRedirectWire>
