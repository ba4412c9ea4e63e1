// `@pipeshub/server/sqlite`: the embedded store on Node's built-in `node:sqlite` (no driver to install).
// On its own subpath so that loading the main entry never loads `node:sqlite` (experimental on Node 22).
export { openSqliteStore, type SqliteStoreOptions } from './store/sqlite.js'
