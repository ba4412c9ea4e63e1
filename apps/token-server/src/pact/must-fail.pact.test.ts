import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CLIENT_ASSERTION_HEADER,
  DPOP_PROOF_HEADER,
  EXAMPLE,
  EXAMPLE_CLIENT_ASSERTION_CLAIMS,
  EXAMPLE_DPOP_PROOF_CLAIMS,
  goldenProblems,
  PACT_FILE,
  PACT_FILES,
  STATES,
  WHAT_IF_PACTS_DIR,
} from '@pipeshub/contracts'
import { importJWK, type JWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STATE_SETUP_FAILED_STATUS, startProvider } from './provider-harness.js'
import { BROKEN_PROVIDERS, type InteractionSelector } from './response-mutations.js'
import { verifyPacts } from './verify-pacts.js'

// The contract is only worth something if it can fail. Each check below runs the real verifier and
// requires it to FAIL, for the reason the check names.

interface PactInteraction {
  description: string
  providerStates?: Array<{ name: string; params?: unknown }>
  request: { path: string; headers?: Record<string, string[]>; body?: { content?: string } }
  response: { status: number }
}
interface PactDocument {
  interactions: PactInteraction[]
  [key: string]: unknown
}

const readPact = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PactDocument
const committed = readPact(PACT_FILE)
let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'pipeshub-pact-must-fail-'))
})
afterAll(async () => {
  if (folder !== undefined) await rm(folder, { recursive: true, force: true })
})

/**
 * A pact with only the interactions of `from` (the client's committed pact unless said) that `keep`
 * selects, so that each check runs no more than it needs.
 */
async function pactWith(
  name: string,
  keep: (interaction: PactInteraction) => PactInteraction | undefined,
  from: PactDocument = committed,
) {
  const interactions = from.interactions.map(keep).filter((interaction) => interaction !== undefined)
  expect(interactions.length).toBeGreaterThan(0)
  const file = join(folder, `${name}.json`)
  await writeFile(file, JSON.stringify({ ...from, interactions }))
  return { file, descriptions: interactions.map((interaction) => interaction.description) }
}

/** The interactions of the pact whose responses `selector` picks. */
const selectedBy = (selector: InteractionSelector) => (interaction: PactInteraction) =>
  interaction.request.path === selector.path &&
  (selector.outcome === 'success' ? interaction.response.status < 300 : interaction.response.status >= 400)
    ? interaction
    : undefined

const successfulTokenResponses = selectedBy({ path: '/api/v1/oauth2/token', outcome: 'success' })

describe('verification fails against a token server whose responses drift from the contract', () => {
  it('passes through the response-rewriting layer when it rewrites nothing (the control)', async () => {
    const { file, descriptions } = await pactWith('control', successfulTokenResponses)
    const provider = await startProvider({ mutate: (response) => response })
    try {
      const outcome = await verifyPacts(provider, [file])
      expect(outcome.failures, outcome.report).toEqual([])
      expect(outcome.interactions.map((result) => result.description)).toEqual(descriptions)
      expect(provider.mutated).toBe(0)
      expect(provider.responses.flatMap((exchange) => goldenProblems(exchange))).toEqual([])
    } finally {
      await provider.close()
    }
  })

  for (const broken of BROKEN_PROVIDERS) {
    it(`fails when ${broken.name}`, async () => {
      const { file, descriptions } = await pactWith(
        broken.name.replace(/\W+/g, '-'),
        selectedBy(broken.selects),
        broken.pactFile === undefined ? committed : readPact(broken.pactFile),
      )
      const provider = await startProvider({ mutate: broken.mutate })
      try {
        const outcome = await verifyPacts(provider, [file])
        expect(provider.stateFailures).toEqual([])
        // The layer found what it breaks in every selected response (else the check proves nothing).
        expect(provider.mutationProblems, `"${broken.name}" found nothing to break`).toEqual([])
        expect(provider.mutated, `"${broken.name}" must rewrite every selected response`).toBe(
          descriptions.length,
        )
        expect(outcome.passed, `verification must fail when ${broken.name}`).toBe(false)
        // Every selected response drifted, so every one of those interactions must fail...
        expect(
          outcome.interactions.filter((result) => result.passed).map((result) => result.description),
          `these interactions passed although ${broken.name}`,
        ).toEqual([])
        expect(outcome.interactions).toHaveLength(descriptions.length)
        // ...and for the reason this variant introduced.
        for (const failure of outcome.failures) {
          expect(
            failure.detail,
            `the failure of "${failure.interaction}" must name ${broken.mismatch} (${broken.name})`,
          ).toMatch(broken.mismatch)
        }
        // The RFCs' golden fixtures catch the same drift on their own, pact or no pact.
        const golden = broken.golden
        if (golden !== undefined) {
          for (const exchange of provider.responses) {
            expect(
              goldenProblems(exchange).join('\n'),
              `the golden check of ${exchange.method} ${exchange.path} must name ${golden} (${broken.name})`,
            ).toMatch(golden)
          }
        }
      } finally {
        await provider.close()
      }
    })
  }
})

describe('verification fails when a provider state cannot be set up', () => {
  const brokenStates = [
    {
      name: 'names a state the provider does not know',
      states: [{ name: 'a state the provider does not know', params: {} }],
      message: /unknown provider state "a state the provider does not know"/,
    },
    {
      name: 'has a state handler that throws (a code for a client that was never registered)',
      states: [
        {
          name: STATES.authorizationCodeIssued,
          params: {
            clientId: '00000000-0000-4000-8000-000000000000',
            subject: 'user-nobody',
            scope: 'kb:read',
            redirectUri: 'https://app.example.com/oauth/callback',
            codeVerifier: 'dBjftJeZ4CHLEbNJKU3LvsPABf_dcrdLtT7Xu-8d8-zc',
            nonce: 'n',
          },
        },
      ],
      message: /client/,
    },
  ]
  for (const broken of brokenStates) {
    it(`fails the interaction, instead of running it anyway, when it ${broken.name}`, async () => {
      const { file } = await pactWith(broken.name.replace(/\W+/g, '-'), (interaction) =>
        interaction.description === 'a client credentials token request'
          ? { ...interaction, providerStates: broken.states }
          : undefined,
      )
      const provider = await startProvider()
      try {
        const outcome = await verifyPacts(provider, [file])
        expect(provider.stateFailures).toHaveLength(1)
        expect(provider.stateFailures[0]).toMatchObject({
          state: broken.states[0]?.name,
          status: STATE_SETUP_FAILED_STATUS,
        })
        expect(provider.stateFailures[0]?.message).toMatch(broken.message)
        expect(outcome.passed).toBe(false)
        expect(outcome.interactions).toEqual([
          { description: 'a client credentials token request', passed: false },
        ])
        expect(outcome.failures.map((failure) => failure.detail).join('\n')).toMatch(
          /setup state change handlers has failed/,
        )
      } finally {
        await provider.close()
      }
    })
  }

  it("knows every provider state both consumers' pacts name", () => {
    const named = new Set(
      PACT_FILES.map(readPact)
        .flatMap((pact) => pact.interactions)
        .flatMap((interaction) => (interaction.providerStates ?? []).map((state) => state.name)),
    )
    expect([...named].filter((name) => !Object.values(STATES).includes(name as never))).toEqual([])
  })
})

const DPOP_INTERACTION = 'a client credentials token request with a DPoP proof'
const PRIVATE_KEY_JWT_INTERACTION = 'a client credentials token request authenticated with private_key_jwt'

async function signed(claims: object, header: Record<string, unknown>, jwk: JWK): Promise<string> {
  const { alg: _alg, ...key } = jwk
  return new SignJWT({ ...claims })
    .setProtectedHeader(header as never)
    .sign(await importJWK(key, String(header.alg)))
}

/** The interaction with its DPoP proof (or its client assertion) replaced by `credential`. */
const withCredential = (description: string, credential: string) => (interaction: PactInteraction) => {
  if (interaction.description !== description) return undefined
  const { request } = interaction
  if (description === DPOP_INTERACTION) {
    expect(request.headers?.DPoP).toHaveLength(1)
    return { ...interaction, request: { ...request, headers: { ...request.headers, DPoP: [credential] } } }
  }
  const content = request.body?.content ?? ''
  expect(content).toMatch(/(^|&)client_assertion=/)
  const body = {
    ...request.body,
    content: content.replace(/client_assertion=[^&]*/, `client_assertion=${credential}`),
  }
  return { ...interaction, request: { ...request, body } }
}

describe("the request filter moves the pact's credentials in time and place, and fixes nothing else", () => {
  async function verifyFails(
    name: string,
    keep: (interaction: PactInteraction) => PactInteraction | undefined,
    options: { reSignCredentials?: boolean } = {},
  ) {
    const { file, descriptions } = await pactWith(name, keep)
    const provider = await startProvider(options)
    try {
      const outcome = await verifyPacts(provider, [file])
      expect(provider.stateFailures).toEqual([])
      expect(outcome.passed).toBe(false)
      expect(outcome.interactions).toEqual(
        descriptions.map((description) => ({ description, passed: false })),
      )
      return provider.responses.map((response) => JSON.parse(response.body) as { error?: string })
    } finally {
      await provider.close()
    }
  }

  it('fails the DPoP and private_key_jwt interactions replayed as recorded (stale, for the example issuer)', async () => {
    const answers = await verifyFails(
      'not-re-signed',
      (interaction) =>
        [DPOP_INTERACTION, PRIVATE_KEY_JWT_INTERACTION].includes(interaction.description)
          ? interaction
          : undefined,
      { reSignCredentials: false },
    )
    expect(answers.map((answer) => answer.error).sort()).toEqual(['invalid_client', 'invalid_dpop_proof'])
  })

  it('fails a DPoP proof whose typ is not dpop+jwt (RFC 9449 §4.3)', async () => {
    const proof = await signed(
      EXAMPLE_DPOP_PROOF_CLAIMS,
      { ...DPOP_PROOF_HEADER, typ: 'JWT' },
      EXAMPLE.dpopKey,
    )
    const answers = await verifyFails('dpop-typ', withCredential(DPOP_INTERACTION, proof))
    expect(answers).toMatchObject([{ error: 'invalid_dpop_proof' }])
  })

  it('fails a DPoP proof without its public key (RFC 9449 §4.2 jwk)', async () => {
    const { jwk: _jwk, ...header } = DPOP_PROOF_HEADER
    const proof = await signed(EXAMPLE_DPOP_PROOF_CLAIMS, header, EXAMPLE.dpopKey)
    const answers = await verifyFails('dpop-no-jwk', withCredential(DPOP_INTERACTION, proof))
    expect(answers).toMatchObject([{ error: 'invalid_dpop_proof' }])
  })

  it("fails a client assertion whose iss and sub are another client's (RFC 7523 §3)", async () => {
    const assertion = await signed(
      { ...EXAMPLE_CLIENT_ASSERTION_CLAIMS, iss: EXAMPLE.clientId, sub: EXAMPLE.clientId },
      { ...CLIENT_ASSERTION_HEADER },
      EXAMPLE.clientAssertionKey,
    )
    const answers = await verifyFails('assertion-iss', withCredential(PRIVATE_KEY_JWT_INTERACTION, assertion))
    expect(answers).toMatchObject([{ error: 'invalid_client' }])
  })

  it('fails a client assertion of another algorithm than the client registered (PS256 for RS256)', async () => {
    const assertion = await signed(
      EXAMPLE_CLIENT_ASSERTION_CLAIMS,
      { ...CLIENT_ASSERTION_HEADER, alg: 'PS256' },
      EXAMPLE.clientAssertionKey,
    )
    const answers = await verifyFails('assertion-alg', withCredential(PRIVATE_KEY_JWT_INTERACTION, assertion))
    expect(answers).toMatchObject([{ error: 'invalid_client' }])
  })
})

describe('a client that reads a field the provider does not send breaks the contract', () => {
  it('fails verification of the what-if pact the consumer tests wrote', async () => {
    expect(
      existsSync(WHAT_IF_PACTS_DIR),
      `${WHAT_IF_PACTS_DIR} is missing: the consumer contract tests (pnpm --filter @pipeshub/client test:contract) write it`,
    ).toBe(true)
    const files = readdirSync(WHAT_IF_PACTS_DIR).filter((name) => name.endsWith('.json'))
    expect(files.length).toBeGreaterThan(0)
    const provider = await startProvider()
    try {
      const outcome = await verifyPacts(
        provider,
        files.map((name) => join(WHAT_IF_PACTS_DIR, name)),
      )
      expect(provider.stateFailures).toEqual([])
      expect(outcome.passed).toBe(false)
      expect(outcome.failures.map((failure) => failure.detail).join('\n')).toMatch(/refresh_token/)
    } finally {
      await provider.close()
    }
  })
})
