import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { brokerFromEnvironment } from './broker.js'
import { publishPacts } from './publish-pacts.js'

// Publication against a loopback HTTP endpoint standing in for a Pact Broker (none runs here): what is
// sent is what the broker's "publish contracts" API takes.

interface Received {
  method: string | undefined
  url: string | undefined
  headers: IncomingHttpHeaders
  body: string
}

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

async function broker(status: number): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body })
      response.writeHead(status, { 'content-type': 'application/hal+json' }).end('{"logs":[]}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => server.close())
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }
}

function pacts(): { dir: string; text: string } {
  const dir = `${mkdtempSync(join(tmpdir(), 'pipeshub-publish-'))}/`
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const text =
    '{"consumer":{"name":"pipeshub-client"},"provider":{"name":"pipeshub-token-server"},"interactions":[]}\n'
  writeFileSync(`${dir}pipeshub-client-pipeshub-token-server.json`, text)
  return { dir, text }
}

describe('publishPacts', () => {
  it('publishes each pact with the git SHA as version and the branch, authenticated', async () => {
    const { url, received } = await broker(200)
    const { dir, text } = pacts()
    const settings = brokerFromEnvironment({
      PACT_BROKER_BASE_URL: url,
      PACT_BROKER_TOKEN: 'broker-token',
      PACT_VERSION: '0123456789abcdef0123456789abcdef01234567',
      PACT_BRANCH: 'main',
    })
    if (settings === undefined) throw new Error('PACT_BROKER_BASE_URL was given')
    const publications = await publishPacts(settings, dir)
    expect(publications).toEqual([
      {
        consumer: 'pipeshub-client',
        version: '0123456789abcdef0123456789abcdef01234567',
        branch: 'main',
        files: ['pipeshub-client-pipeshub-token-server.json'],
      },
    ])
    expect(received).toHaveLength(1)
    const publication = received[0] as Received
    expect(publication).toMatchObject({ method: 'POST', url: '/contracts/publish' })
    expect(publication.headers.authorization).toBe('Bearer broker-token')
    expect(JSON.parse(publication.body)).toEqual({
      pacticipantName: 'pipeshub-client',
      pacticipantVersionNumber: '0123456789abcdef0123456789abcdef01234567',
      branch: 'main',
      contracts: [
        {
          consumerName: 'pipeshub-client',
          providerName: 'pipeshub-token-server',
          specification: 'pact',
          contentType: 'application/json',
          content: Buffer.from(text).toString('base64'),
        },
      ],
    })
  })

  it('fails when the broker refuses the publication', async () => {
    const { url } = await broker(401)
    const { dir } = pacts()
    const settings = brokerFromEnvironment({
      PACT_BROKER_BASE_URL: url,
      PACT_VERSION: 'abc',
      PACT_BRANCH: 'main',
    })
    if (settings === undefined) throw new Error('PACT_BROKER_BASE_URL was given')
    await expect(publishPacts(settings, dir)).rejects.toThrow(/failed: 401/)
  })
})
