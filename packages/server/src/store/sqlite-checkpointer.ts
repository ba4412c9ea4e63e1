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

export function startSqliteCheckpointer(path: string, intervalMs: number): SqliteCheckpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs } })
  // Never keeps the process alive, and a failed worker only means SQLite checkpoints on its own again.
  worker.unref()
  worker.on('error', () => {})
  let exited = false
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      exited = true
      resolve()
    })
  })
  return {
    async close() {
      if (exited) return
      // Held open until the thread has closed its connection, so a caller awaiting close() is not left
      // with a process that exits under it.
      worker.ref()
      worker.postMessage('close')
      const grace = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS)
      grace.unref()
      await exit
      clearTimeout(grace)
    },
  }
}
