import { interopSuite } from './suite.js'

// openid-client and oauth4webapi against the real token server on an SQLite file, per algorithm.
interopSuite('sqlite')
