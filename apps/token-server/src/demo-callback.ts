import { hashOpaqueToken, type Store } from '@pipeshub/server'
import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { html, layout, PAGE_HEADERS } from './pages/html.js'
import { DEMO_CALLBACK_PATH } from './seed.js'

/**
 * The demo clients' redirect URI: shows what the authorization server sent back and the `curl` that
 * exchanges the code, so the printed authorization URL can be tried with nothing but a browser.
 */
export function registerDemoCallback(
  app: FastifyInstance,
  options: { store: Store; tokenEndpoint: string },
): void {
  app.get(
    DEMO_CALLBACK_PATH,
    {
      schema: {
        summary: 'Redirect URI of the demo clients: shows the code and how to exchange it',
        tags: ['demo'],
        querystring: Type.Object({
          code: Type.Optional(Type.String()),
          state: Type.Optional(Type.String()),
          iss: Type.Optional(Type.String()),
          error: Type.Optional(Type.String()),
          error_description: Type.Optional(Type.String()),
        }),
        response: { 200: { description: 'HTML page', content: { 'text/html': { schema: Type.String() } } } },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, string | undefined>
      reply.headers(PAGE_HEADERS)
      if (query.error !== undefined || query.code === undefined) {
        return reply.send(
          layout({
            title: 'Authorization refused',
            body: html`<h1>Authorization refused</h1>
<p class="error" role="alert">${query.error ?? 'no code'}${query.error_description ? `: ${query.error_description}` : ''}</p>`,
          }),
        )
      }
      const issued = await options.store.authorizationCodes.get(hashOpaqueToken(query.code))
      const clientId = issued?.clientId ?? 'CLIENT_ID'
      const redirectUri = issued?.redirectUri ?? 'REDIRECT_URI'
      const curl = [
        `curl -s ${options.tokenEndpoint} \\`,
        '  -d grant_type=authorization_code \\',
        `  --data-urlencode 'code=${query.code}' \\`,
        `  --data-urlencode 'redirect_uri=${redirectUri}' \\`,
        `  -d client_id=${clientId} \\`,
        '  -d code_verifier=THE_CODE_VERIFIER_PRINTED_AT_START',
      ].join('\n')
      return reply.send(
        layout({
          title: 'Authorization code received',
          body: html`<h1>Code received</h1>
<p class="lead">The authorization server redirected here with:</p>
<dl><dt>code</dt><dd><code>${query.code}</code></dd><dt>state</dt><dd><code>${query.state ?? ''}</code></dd></dl>
<p>Exchange it within its lifetime (once) with the PKCE verifier printed at start:</p>
<pre><code>${curl}</code></pre>`,
        }),
      )
    },
  )
}
