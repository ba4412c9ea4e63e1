// `@pipeshub/server/postgres`: the PostgreSQL store. Its driver `pg` is an optional peer dependency,
// loaded when a store opens, so that the main entry and the SQLite store never need it.
export { openPostgresStore, type PostgresStoreOptions } from './store/postgres.js'
