export * from './error-response.js'
export * from './grammar.js'
export * from './token-response.js'
export * from './wire-codec.js'
