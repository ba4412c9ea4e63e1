import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompiledSchema = ((this: unknown, ...args: unknown[]) => unknown) & { errors?: unknown }
type SchemaCompiler = (route: {
  schema: unknown
  method?: string
  url?: string
  httpPart?: string
}) => CompiledSchema
type CompilerBuilder = (externalSchemas: unknown, options: unknown) => SchemaCompiler

// The compilers Fastify itself would build (its own dependencies, resolved from its package), so that
// validation and serialization are exactly Fastify's defaults.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
const fastifyCompiler = (name: string) => () => (fromFastify(name) as () => CompilerBuilder)()

/**
 * A route's compiled schema that compiles at its first call: what the route validates or serializes is
 * unchanged, only when the compiler runs. Ajv's `errors` are carried over after each call, as Fastify
 * reads them from the function.
 */
function deferred(loadBuilder: () => CompilerBuilder): CompilerBuilder {
  return (externalSchemas, options) => {
    let compiler: SchemaCompiler | undefined
    return (route) => {
      let compiled: CompiledSchema | undefined
      const call: CompiledSchema = function (this: unknown, ...args: unknown[]) {
        if (compiled === undefined) {
          compiler ??= loadBuilder()(externalSchemas, options)
          compiled = compiler(route)
        }
        const result = compiled.apply(this, args)
        call.errors = compiled.errors
        return result
      }
      return call
    }
  }
}

/**
 * Fastify's `schemaController` with its default compilers (Ajv, fast-json-stringify) loaded and run
 * when a route with a schema is first used instead of when the app is built: loading Ajv and compiling
 * the response schemas of the health and metadata routes was about a tenth of the token server's start
 * to its first token, for routes a deployment may call once a minute. A schema that cannot compile then
 * fails its route's first request instead of the start (the app's tests call every such route). Fastify
 * treats these as custom compilers, which only changes header schemas (not lower-cased): this app
 * declares none.
 */
type SchemaController = NonNullable<FastifyServerOptions['schemaController']>

export const deferredSchemaCompilers: SchemaController = {
  // Fastify's types describe Ajv's own function types; these wrappers have their call shape only.
  compilersFactory: {
    buildValidator: deferred(fastifyCompiler('@fastify/ajv-compiler')),
    buildSerializer: deferred(fastifyCompiler('@fastify/fast-json-stringify-compiler')),
  } as unknown as NonNullable<SchemaController['compilersFactory']>,
}
