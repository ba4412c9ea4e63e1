import { postgresAvailable } from '@pipeshub/test-support/postgres'
import { describe } from 'vitest'
import { interopSuite } from './suite.js'

// With CI=true an unreachable PostgreSQL throws here: the suite fails, it never skips.
const available = await postgresAvailable('the PostgreSQL interop suite')

// openid-client and oauth4webapi against the real token server on a PostgreSQL schema, per algorithm.
describe.runIf(available)('interop on PostgreSQL', () => interopSuite('postgres'))
