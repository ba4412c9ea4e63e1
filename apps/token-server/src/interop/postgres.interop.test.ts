import { describe } from 'vitest'
import { postgresUnavailable } from '../test-support/postgres.js'
import { interopSuite } from './suite.js'

// With CI=true an unreachable PostgreSQL throws here: the suite fails, it never skips.
const failure = await postgresUnavailable('the PostgreSQL interop suite')

// openid-client and oauth4webapi against the real token server on a PostgreSQL schema, per algorithm.
describe.runIf(failure === undefined)('interop on PostgreSQL', () => interopSuite('postgres'))
