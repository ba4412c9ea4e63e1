/**
 * The fenced code blocks of a README, with the marks that tell the docs test how to run each one.
 *
 * Marks are words of the info string after the language (GitHub shows only the language):
 * - `no-run <reason>`: not run; the reason is required, so every block left out says why;
 * - `background`: a JS/TS server the README's later blocks talk to; it runs until they are done, and
 *   the `export NAME=value ...` line it prints sets their environment, as a reader would paste it;
 * - `expect-error=<code>`: the block must throw an error whose `error` member is that RFC 6749 §5.2 code.
 *
 * HTML comments right before a block add what a reader already has at that point of the README but the
 * block does not repeat (they do not render): `<!-- docs-test setup ... -->` is code run before it,
 * `<!-- docs-test after ... -->` code run after it (checks), `<!-- docs-test fixture <name> <args> -->`
 * a named preparation the test performs (see the test for the names).
 */
export interface ReadmeBlock {
  /** The README, as given to `readmeBlocks`. */
  file: string
  /** Line of the opening fence, 1-based. */
  line: number
  /** First word of the info string, lower case; `''` without one. */
  language: string
  /** Why the block is not run, when it is marked `no-run`. */
  noRun?: string
  background: boolean
  expectError?: string
  setup: string[]
  after: string[]
  fixtures: string[][]
  code: string
}

/** A mark the docs test does not know, or `no-run` without a reason: a typo must not silently skip. */
export class ReadmeMarkError extends Error {}

const FENCE = /^(`{3,}|~{3,})(.*)$/
const COMMENT = /^<!--\s*docs-test\s+(setup|after|fixture)\b([\s\S]*?)-->$/

function parseInfo(
  info: string,
  where: string,
): Pick<ReadmeBlock, 'language' | 'noRun' | 'background' | 'expectError'> {
  const words = info
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '')
  const language = (words.shift() ?? '').toLowerCase()
  const marks: Pick<ReadmeBlock, 'language' | 'noRun' | 'background' | 'expectError'> = {
    language,
    background: false,
  }
  while (words.length > 0) {
    const word = words.shift() as string
    if (word === 'no-run') {
      const reason = words.splice(0).join(' ')
      if (reason === '') throw new ReadmeMarkError(`${where}: no-run needs a reason after it`)
      marks.noRun = reason
    } else if (word === 'background') {
      marks.background = true
    } else if (word.startsWith('expect-error=') && word.length > 'expect-error='.length) {
      marks.expectError = word.slice('expect-error='.length)
    } else {
      throw new ReadmeMarkError(`${where}: unknown mark ${JSON.stringify(word)} in the info string`)
    }
  }
  return marks
}

export function readmeBlocks(markdown: string, file: string): ReadmeBlock[] {
  const lines = markdown.split('\n')
  const blocks: ReadmeBlock[] = []
  // Comments seen since the last block or paragraph line; they belong to the next block.
  let pending: { setup: string[]; after: string[]; fixtures: string[][] } = {
    setup: [],
    after: [],
    fixtures: [],
  }
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    if (line.startsWith('<!--') && /^<!--\s*docs-test\b/.test(line)) {
      let text = line
      while (!text.trimEnd().endsWith('-->') && index + 1 < lines.length) text += `\n${lines[++index]}`
      const match = COMMENT.exec(text.trim())
      if (match === null) throw new ReadmeMarkError(`${file}:${index + 1}: unknown docs-test comment`)
      const [, kind, body = ''] = match
      if (kind === 'fixture') pending.fixtures.push(body.trim().split(/\s+/))
      else pending[kind as 'setup' | 'after'].push(body.replace(/^:?[^\n]*\n/, '').trimEnd())
      continue
    }
    const fence = FENCE.exec(line)
    if (fence === null) {
      if (line.trim() !== '') pending = { setup: [], after: [], fixtures: [] }
      continue
    }
    const [, marker = '```', info = ''] = fence
    const start = index + 1
    const body: string[] = []
    index++
    while (index < lines.length && !(lines[index] as string).startsWith(marker.slice(0, 3)))
      body.push(lines[index++] as string)
    if (index >= lines.length) throw new ReadmeMarkError(`${file}:${start}: code block never closed`)
    blocks.push({
      file,
      line: start,
      ...parseInfo(info, `${file}:${start}`),
      ...pending,
      code: `${body.join('\n')}\n`,
    })
    pending = { setup: [], after: [], fixtures: [] }
  }
  return blocks
}
