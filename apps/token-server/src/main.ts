// `npm start`: the token server process. Only this file runs before the compile cache is on, so it
// loads the server afterwards, dynamically: start.ts and everything it imports, bundled by the build
// into dist/start.bundle.js (scripts/bundle.mjs), so that the start reads a few files, not a thousand.
import { enableCompileCache } from 'node:module'

// Node keeps the compiled code of the modules the server loads (in NODE_COMPILE_CACHE, else a directory
// in the OS temp directory) and a restart reuses it instead of compiling them again: a tenth or so of
// the start's CPU time. A cache that cannot be written is no error; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache()
// A specifier TypeScript does not resolve: the bundle exists only in dist/, after the build.
const START = './start.bundle.js'
await import(START)
