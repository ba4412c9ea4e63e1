import { Worker } from 'node:worker_threads'

/**
 * Copies the write-ahead log back into a SQLite database file from a worker thread, so the fsyncs of a
 * checkpoint do not stall the event loop. Left to SQLite, every ~1000 written pages one commit on the
 * request thread runs the checkpoint and waits for the disk (on a refresh-token workload that was half
 * of the time spent in SQLite). The request connection keeps a much higher automatic checkpoint as a
 * safety net, so the log stays bounded if this thread falls behind or fails.
 */
export interface SqliteCheckpointer {
  /** Stops the thread after its current checkpoint and closes its connection. */
  close(): Promise<void>
}

// CommonJS source evaluated in the worker: no file to resolve next to the compiled module or the tests.
const WORKER_SOURCE = `
const { DatabaseSync } = require('node:sqlite')
const { parentPort, workerData } = require('node:worker_threads')
const db = new DatabaseSync(workerData.path)
// PASSIVE never waits for readers or writers: whatever cannot be copied now is copied next time.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
const timer = setInterval(() => {
  try {
    checkpoint.get()
  } catch {}
}, workerData.intervalMs)
parentPort.once('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/** How long `close` waits for the thread to finish its checkpoint before terminating it. */
const CLOSE_GRACE_MS = 2000

/**
 * The thread starts this long after the store opens: booting it (an isolate, `node:sqlite`) costs as
 * much CPU as a tenth of the process's start, which would otherwise delay the first answers; until then
 * the request connection's own automatic checkpoint bounds the log, as it does should the thread fail.
 */
const START_DELAY_MS = 1000

export function startSqliteCheckpointer(
  path: string,
  intervalMs: number,
  startDelayMs = START_DELAY_MS,
): SqliteCheckpointer {
  let worker: Worker | undefined
  let closed = false
  let exited = false
  let exit: Promise<void> = Promise.resolve()
  const start = () => {
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs } })
    // Never keeps the process alive, and a failed worker only means SQLite checkpoints on its own again.
    thread.unref()
    thread.on('error', () => {})
    exit = new Promise<void>((resolve) => {
      thread.once('exit', () => {
        exited = true
        resolve()
      })
    })
    worker = thread
  }
  const delay = setTimeout(() => {
    if (!closed) start()
  }, startDelayMs)
  delay.unref()
  return {
    async close() {
      closed = true
      clearTimeout(delay)
      if (worker === undefined || exited) return
      // Held open until the thread has closed its connection, so a caller awaiting close() is not left
      // with a process that exits under it.
      worker.ref()
      worker.postMessage('close')
      const running = worker
      const grace = setTimeout(() => void running.terminate(), CLOSE_GRACE_MS)
      grace.unref()
      await exit
      clearTimeout(grace)
    },
  }
}
