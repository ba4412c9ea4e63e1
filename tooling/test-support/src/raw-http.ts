import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * Sends bytes as they are (no client library would send a malformed request) to 127.0.0.1:`port` and
 * parses every HTTP/1.1 response that comes back until the server closes the connection. Bounded: the
 * socket is destroyed after `timeoutMs` (a hang fails the test, it does not stall it).
 */
export function rawHttp(port: number, request: string, timeoutMs = 10_000): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no end of the response within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => {
      // A reset after the answer is fine; what arrived is parsed on close.
    })
    socket.on('close', () => {
      clearTimeout(timer)
      try {
        resolve(parseResponses(Buffer.concat(chunks).toString('latin1')))
      } catch (error) {
        reject(error)
      }
    })
    socket.end(request, 'latin1')
  })
}

function parseResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = []
  let rest = text
  for (let i = 0; i < 10 && rest.length > 0; i++) {
    const headerEnd = rest.indexOf('\r\n\r\n')
    if (headerEnd < 0) throw new Error(`truncated response: ${JSON.stringify(rest.slice(0, 200))}`)
    const [statusLine = '', ...lines] = rest.slice(0, headerEnd).split('\r\n')
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1])
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? '0')
    const bodyStart = headerEnd + 4
    responses.push({ status, headers, body: rest.slice(bodyStart, bodyStart + length) })
    rest = rest.slice(bodyStart + length)
  }
  return responses
}
