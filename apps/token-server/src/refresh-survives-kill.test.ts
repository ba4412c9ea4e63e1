import { setTimeout as sleep } from 'node:timers/promises'
import { hashOpaqueToken, registerClient, type Store } from '@pipeshub/server'
import {
  dropSchema,
  postgresAvailable,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '@pipeshub/test-support/postgres'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openConfiguredStore } from './store.js'
import {
  authorizeUrl,
  FormSession,
  hiddenFields,
  pkcePair,
  tokenRequest,
} from './test-support/form-session.js'
import { killStartedMains, type StartedMain, startMain } from './test-support/main-process.js'
import { unusedLoopbackPort } from './test-support/ports.js'
import { createTestUser, TEST_PASSWORD } from './test-support/users.js'

const available = await postgresAvailable('the kill -9 refresh test')

/** Issue 12 item 7: before the reuse interval, 8 of 120 such sessions ended at a kill. */
const SESSIONS = 120
const CONFIDENTIAL_CLIENTS = 4
const RESTARTS = 5
/** More kills, only while none has yet landed between a rotation's commit and its answer. */
const MAX_RESTARTS = 12
/** Successful refreshes every session makes between two kills: the load is steady when the kill lands. */
const REFRESHES_BETWEEN_KILLS = 1
/**
 * The reuse interval under load (seconds). The token server's default is 30; a retry waits for a restart,
 * which takes seconds on a loaded machine, and the longer interval keeps that wait out of the result.
 */
const REUSE_INTERVAL = 120
const REDIRECT_URI = 'http://127.0.0.1:9/callback'
const SCOPE = 'openid offline_access kb:read'
const AUTHORIZE_PATH = '/api/v1/oauth2/authorize'
const TOKEN_PATH = '/api/v1/oauth2/token'
// Bounds of a hung run only (a loaded 2-core machine), never assertions about speed.
const LOAD_DEADLINE_MS = 90_000
const REQUEST_TIMEOUT_MS = 15_000

interface Session {
  readonly authorization: string
  /** The last refresh token the client received: the one it presents, again after a lost answer. */
  token: string
  /** Every earlier refresh token of the family, oldest first. */
  readonly rotated: string[]
  /** Successful refreshes since the running server process started. */
  sinceStart: number
  /** Why the session ended (a refused refresh), if it did. */
  lost?: string
}

interface Counts {
  refreshes: number
  /** Refreshes whose answer never arrived (the process died or was down). */
  failedRequests: number
  /** Of those, the ones whose rotation had committed: the answer alone was lost (the case of item 7). */
  committedButLost: number
  /** 5xx and 429 answers, retried with the same token. */
  retriedAnswers: number
}

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`
}

async function until(what: string, condition: () => boolean, deadline: number): Promise<void> {
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`)
    await sleep(20)
  }
}

describe.runIf(available)('refresh sessions across kill -9 of the token server on PostgreSQL', () => {
  const schema = uniqueSchema('token_server_kill')
  const storeUrl = `${TEST_DATABASE_URL}?schema=${schema}`
  let store: Store | undefined

  afterAll(async () => {
    killStartedMains()
    await store?.close()
    await dropSchema(schema)
  })

  it(`loses none of ${SESSIONS} confidential sessions over ${RESTARTS} or more kills, and replays still revoke the family`, async () => {
    const port = await unusedLoopbackPort()
    const baseUrl = `http://127.0.0.1:${port}`
    const env = (reuseInterval: number) => ({
      PIPESHUB_STORE: storeUrl,
      PIPESHUB_HOST: '127.0.0.1',
      PIPESHUB_PORT: String(port),
      PIPESHUB_SEED_DEMO: 'false',
      PIPESHUB_RATE_LIMIT_TOKEN: '1000000',
      PIPESHUB_REFRESH_TOKEN_REUSE_INTERVAL: String(reuseInterval),
    })
    const began = Date.now()
    let server: StartedMain = await startMain(env(REUSE_INTERVAL))
    store = await openConfiguredStore({ store: storeUrl })
    const opened = store

    // Clients and the end-user, written to the database the process serves from.
    await createTestUser(opened)
    const confidential = await Promise.all(
      Array.from({ length: CONFIDENTIAL_CLIENTS }, (_, index) =>
        registerClient(opened, {
          name: `Backend ${index}`,
          redirectUris: [REDIRECT_URI],
          scopes: SCOPE.split(' '),
        }),
      ),
    )
    const publicClient = await registerClient(opened, {
      name: 'Browser app',
      public: true,
      redirectUris: [REDIRECT_URI],
      scopes: SCOPE.split(' '),
    })

    // One browser signs in once and consents once per client.
    const browser = new FormSession(baseUrl)
    /** A new grant (its own refresh-token family) through the pages; the code's refresh token. */
    const authorize = async (
      clientId: string,
      fields: Record<string, string>,
      headers: Record<string, string>,
    ) => {
      const pkce = pkcePair()
      let response = await browser.get(
        authorizeUrl({
          baseUrl,
          authorizePath: AUTHORIZE_PATH,
          clientId,
          redirectUri: REDIRECT_URI,
          scope: SCOPE,
          challenge: pkce.challenge,
        }),
      )
      for (let page = 0; page < 2 && response.status === 200; page++) {
        const html = await response.text()
        const answer = html.includes('name="password"')
          ? { username: 'alice', password: TEST_PASSWORD }
          : { consent: 'granted' }
        response = await browser.postForm(AUTHORIZE_PATH, { ...hiddenFields(html), ...answer })
      }
      const code = new URL(response.headers.get('location') ?? '', baseUrl).searchParams.get('code')
      if (code === null) throw new Error(`no code: ${response.status} ${await response.text()}`)
      const tokens = await tokenRequest(
        `${baseUrl}${TOKEN_PATH}`,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: pkce.verifier,
          ...fields,
        },
        headers,
      )
      if (tokens.status !== 200)
        throw new Error(`code exchange: ${tokens.status} ${JSON.stringify(tokens.body)}`)
      return String(tokens.body.refresh_token)
    }
    const newSession = async (index: number): Promise<Session> => {
      const registered = confidential[index % CONFIDENTIAL_CLIENTS]
      if (registered?.clientSecret === undefined) throw new Error('a confidential client has a secret')
      const authorization = basic(registered.client.clientId, registered.clientSecret)
      const token = await authorize(registered.client.clientId, {}, { authorization })
      return { authorization, token, rotated: [], sinceStart: 0 }
    }
    // The first grant of each client asks for consent (one at a time); later ones come straight back.
    const sessions: Session[] = []
    for (let index = 0; index < SESSIONS; index += index < CONFIDENTIAL_CLIENTS ? 1 : 10) {
      const batch = index < CONFIDENTIAL_CLIENTS ? [index] : Array.from({ length: 10 }, (_, i) => index + i)
      sessions.push(...(await Promise.all(batch.filter((i) => i < SESSIONS).map(newSession))))
    }
    expect(sessions).toHaveLength(SESSIONS)

    const refresh = (token: string, headers: Record<string, string>, fields: Record<string, string> = {}) =>
      fetch(`${baseUrl}${TOKEN_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          ...fields,
        }).toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })

    // Each session refreshes in a loop; a refresh whose answer is lost is sent again with the same token.
    const setupMs = Date.now() - began
    const counts: Counts = { refreshes: 0, failedRequests: 0, committedButLost: 0, retriedAnswers: 0 }
    const deadline = Date.now() + LOAD_DEADLINE_MS
    let stopping = false
    const run = async (session: Session) => {
      let checked: string | undefined
      let failures = 0
      // Backs off while the server is down, so that the retries leave the restarting process the CPU.
      const backOff = () => sleep(Math.min(25 * 2 ** failures++, 400) * (0.5 + Math.random()))
      while (!stopping && Date.now() < deadline) {
        let response: Response
        let body: Record<string, unknown>
        try {
          response = await refresh(session.token, { authorization: session.authorization })
          body = (await response.json()) as Record<string, unknown>
        } catch {
          counts.failedRequests++
          if (checked !== session.token) {
            // Nobody else holds this token: if its rotation is stored, only the answer went missing.
            checked = session.token
            const record = await opened.refreshTokens.get(hashOpaqueToken(session.token))
            if (record?.rotatedAt != null) counts.committedButLost++
          }
          await backOff()
          continue
        }
        if (response.status === 200 && typeof body.refresh_token === 'string') {
          session.rotated.push(session.token)
          session.token = body.refresh_token
          session.sinceStart++
          counts.refreshes++
          failures = 0
        } else if (response.status >= 500 || response.status === 429) {
          counts.retriedAnswers++
          await backOff()
        } else {
          session.lost = `${response.status} ${JSON.stringify(body)}`
          return
        }
      }
    }
    const loops = sessions.map(run)

    const restartMs: number[] = []
    const everySessionRefreshed = (times: number) =>
      sessions.every((s) => s.lost !== undefined || s.sinceStart >= times)
    let restarts = 0
    try {
      for (; restarts < RESTARTS || (counts.committedButLost === 0 && restarts < MAX_RESTARTS); restarts++) {
        await until(
          'every session refreshed since the start',
          () => everySessionRefreshed(REFRESHES_BETWEEN_KILLS),
          deadline,
        )
        server.child.kill('SIGKILL')
        await server.exited
        for (const session of sessions) session.sinceStart = 0
        const killed = Date.now()
        server = await startMain(env(REUSE_INTERVAL))
        restartMs.push(Date.now() - killed)
      }
      await until(
        'every session refreshed after the last start',
        () => everySessionRefreshed(REFRESHES_BETWEEN_KILLS),
        deadline,
      )
    } finally {
      stopping = true
      await Promise.all(loops)
    }

    console.info(
      `kill -9 under refresh load: ${JSON.stringify({ sessions: SESSIONS, restarts, ...counts, setupMs, restartMs, loadMs: Date.now() - began - setupMs })}`,
    )
    expect(restarts).toBeGreaterThanOrEqual(RESTARTS)
    // The premise: some kills landed after a rotation committed and before its answer left.
    expect(counts.committedButLost).toBeGreaterThan(0)
    expect(sessions.filter((s) => s.lost !== undefined).map((s) => s.lost)).toEqual([])
    // Each session ends with a working refresh token.
    const final = await Promise.all(
      sessions.map(async (session) => {
        const response = await refresh(session.token, { authorization: session.authorization })
        const body = (await response.json()) as Record<string, unknown>
        if (response.status === 200) {
          session.rotated.push(session.token)
          session.token = String(body.refresh_token)
        }
        return response.status
      }),
    )
    expect(final.filter((status) => status !== 200)).toEqual([])
    // Exactly one refresh token of each family is live.
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await db.connect()
    try {
      const live = await db.query(
        `SELECT family_id, count(*)::int AS live FROM "${schema}".oauth_refresh_tokens WHERE rotated_at IS NULL GROUP BY family_id`,
      )
      expect(live.rows).toHaveLength(SESSIONS)
      expect(live.rows.filter((row) => row.live !== 1)).toEqual([])
    } finally {
      await db.end()
    }

    const refused = async (
      token: string,
      headers: Record<string, string>,
      fields?: Record<string, string>,
    ) => {
      const response = await refresh(token, headers, fields)
      return { status: response.status, error: ((await response.json()) as { error?: unknown }).error }
    }
    const invalidGrant = { status: 400, error: 'invalid_grant' }

    // Replay detection, within the interval: a token whose successor was used revokes the family.
    const [used, outside, untouched] = sessions
    if (!used || !outside || !untouched) throw new Error('sessions expected')
    expect(await refused(used.rotated.at(-2) ?? '', { authorization: used.authorization })).toEqual(
      invalidGrant,
    )
    expect(await refused(used.token, { authorization: used.authorization })).toEqual(invalidGrant)

    // A public client's second use of a token, at once, revokes the family: its token alone proves nothing.
    const publicId = publicClient.client.clientId
    const first = await authorize(publicId, { client_id: publicId }, {})
    const second = await refresh(first, {}, { client_id: publicId })
    expect(second.status).toBe(200)
    const successor = String(((await second.json()) as { refresh_token?: unknown }).refresh_token)
    expect(await refused(first, {}, { client_id: publicId })).toEqual(invalidGrant)
    expect(await refused(successor, {}, { client_id: publicId })).toEqual(invalidGrant)

    // Outside the interval (restarted with 1 s, past it): a confidential retry is a replay too.
    server.child.kill('SIGKILL')
    await server.exited
    server = await startMain(env(1))
    const previous = outside.rotated.at(-1) ?? ''
    const rotatedAt = (await opened.refreshTokens.get(hashOpaqueToken(previous)))?.rotatedAt ?? 0
    await until(
      'the reuse interval has passed',
      () => Date.now() / 1000 >= rotatedAt + 2,
      Date.now() + 10_000,
    )
    expect(await refused(previous, { authorization: outside.authorization })).toEqual(invalidGrant)
    expect(await refused(outside.token, { authorization: outside.authorization })).toEqual(invalidGrant)
    // The revocations stay within their families.
    expect((await refresh(untouched.token, { authorization: untouched.authorization })).status).toBe(200)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    // Bounds a hung run only; a run takes about 20 s on a loaded 2-core machine.
  }, 150_000)
})
