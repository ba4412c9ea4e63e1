import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as openapiPactComparator from '@pactflow/openapi-pact-comparator'
import { EXAMPLE, PACTS_DIR } from '@pipeshub/contracts'
import { createMemoryStore } from '@pipeshub/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTokenServer, type TokenServer, testConfig } from '../app.js'

// The published API description must describe what the contract says goes over the wire: every
// interaction of every committed pact (request: path, method, headers, body; response: status,
// headers, body) is compared with the OpenAPI document the token server serves at /openapi.json, by
// PactFlow's openapi-pact-comparator. Its warnings count too: a header or a body the document does
// not describe is drift just the same.

/** One finding of the comparator (its `Result`; the package's declarations do not resolve under nodenext). */
interface Result {
  readonly type: 'error' | 'warning' | 'info'
  readonly code: string
  readonly message: string
  readonly mockDetails?: { readonly interactionDescription?: string | null; readonly location: string }
  readonly specDetails?: { readonly location: string }
}
const { Comparator } = openapiPactComparator as unknown as {
  Comparator: new (options: { oas: unknown }) => { compare(pact: unknown): AsyncGenerator<Result> }
}

let server: TokenServer
let document: Record<string, unknown>

beforeAll(async () => {
  server = await createTokenServer({
    // As the provider runs (provider-harness.ts): with the MCP server, whose RFC 9728 document it serves.
    config: testConfig({ mcpResource: EXAMPLE.resource }),
    store: createMemoryStore(),
    issuer: 'https://token-server.pact.test',
  })
  const response = await server.app.inject({ method: 'GET', url: '/openapi.json' })
  expect(response.statusCode).toBe(200)
  document = response.json() as Record<string, unknown>
})
afterAll(async () => {
  await server?.close()
})

const pactFiles = readdirSync(PACTS_DIR).filter((name) => name.endsWith('.json'))

/** One line per finding, naming the interaction, where in the pact and in the document, and why. */
function describeResult(result: Result): string {
  return (
    `${result.type} ${result.code}: ${result.message} ` +
    `(interaction "${result.mockDetails?.interactionDescription ?? '?'}" at ${result.mockDetails?.location ?? '?'}; ` +
    `document at ${result.specDetails?.location ?? '?'})`
  )
}

describe('the OpenAPI document of the token server describes every committed pact', () => {
  it('has pacts to compare', () => {
    expect(pactFiles.length).toBeGreaterThan(0)
  })

  // The comparison can fail: the client's pact against copies of the document that drifted.
  // biome-ignore lint/suspicious/noExplicitAny: each change edits the JSON document by path
  type Document = any
  // A drift of a member the document never had would find what the real document lacks, and prove nothing.
  const removeMember = (parent: Record<string, unknown>, name: string) => {
    expect(Object.keys(parent), `the document to drift from has ${name}`).toContain(name)
    delete parent[name]
  }
  const drifted: ReadonlyArray<{ name: string; change: (copy: Document) => void; finding: RegExp }> = [
    {
      name: 'the token endpoint no longer documents its 401 answer',
      change: (copy) => removeMember(copy.paths['/api/v1/oauth2/token'].post.responses, '401'),
      finding: /response\.status\.unknown.*"a client credentials token request with a wrong client secret"/,
    },
    {
      name: 'the token response documents expires_in as a string',
      change: (copy) => {
        const properties = copy.components.schemas.OAuthTokenResponse.properties
        expect(properties.expires_in, 'the document to drift from documents expires_in').toMatchObject({
          type: 'integer',
        })
        properties.expires_in = { type: 'string' }
      },
      finding: /response\.body\.incompatible.*expires_in/,
    },
    {
      name: 'the token response no longer documents Cache-Control',
      change: (copy) =>
        removeMember(copy.paths['/api/v1/oauth2/token'].post.responses['200'].headers, 'Cache-Control'),
      finding: /response\.header\.undefined.*cache-control/,
    },
  ]
  for (const broken of drifted) {
    it(`finds the drift when ${broken.name}`, async () => {
      const copy = structuredClone(document)
      broken.change(copy)
      const pact = JSON.parse(
        readFileSync(join(PACTS_DIR, 'pipeshub-client-pipeshub-token-server.json'), 'utf8'),
      )
      const findings: string[] = []
      for await (const result of new Comparator({ oas: copy }).compare(pact)) {
        if (result.type !== 'info') findings.push(describeResult(result))
      }
      expect(findings.join('\n'), `the comparator must report that ${broken.name}`).toMatch(broken.finding)
    })
  }

  for (const file of pactFiles) {
    it(`describes every interaction of ${file}, request and response`, async () => {
      const pact = JSON.parse(readFileSync(join(PACTS_DIR, file), 'utf8')) as { interactions: unknown[] }
      expect(pact.interactions.length).toBeGreaterThan(0)
      const findings: string[] = []
      for await (const result of new Comparator({ oas: document }).compare(pact)) {
        if (result.type !== 'info') findings.push(describeResult(result))
      }
      expect(findings, `${file} against /openapi.json`).toEqual([])
    })
  }
})
