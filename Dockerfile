# syntax=docker/dockerfile:1
# The PipesHub token server (apps/token-server) on the embedded SQLite store. From the repository root:
#   docker build -t pipeshub-token-server .
#   docker run -p 8787:8787 -v pipeshub-data:/data -e PIPESHUB_ISSUER=https://auth.example.com pipeshub-token-server
# No image was built where this file was written (no container runtime there): the token server's test
# apps/token-server/src/dockerfile.test.ts runs these steps in a scratch folder instead (its README, "Container image").

FROM node:24-slim AS pnpm
WORKDIR /app
# The pnpm package.json pins, from the npm registry (corepack cannot verify this registry's signatures).
RUN npm install --global --no-audit --no-fund pnpm@12.21.0
# Every workspace manifest, so that the frozen lockfile matches; the sources come later, for the cache.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY packages/models/package.json packages/models/
COPY packages/client/package.json packages/client/
COPY packages/server/package.json packages/server/
COPY apps/token-server/package.json apps/token-server/
COPY contracts/package.json contracts/
COPY bench/package.json bench/
COPY docs/package.json docs/
COPY tooling/test-support/package.json tooling/test-support/

FROM pnpm AS build
# The token server, the packages it uses and the root's build tools (tsc).
RUN pnpm install --frozen-lockfile --filter-prod "@pipeshub/token-server..." --filter pipeshub-oauth
COPY packages/models packages/models
COPY packages/server packages/server
COPY apps/token-server apps/token-server
RUN pnpm --filter-prod "@pipeshub/token-server..." run build

FROM pnpm AS production-dependencies
RUN pnpm install --frozen-lockfile --prod --filter-prod "@pipeshub/token-server..."

FROM node:24-slim
ENV NODE_ENV=production \
    PIPESHUB_HOST=0.0.0.0 \
    PIPESHUB_PORT=8787 \
    PIPESHUB_STORE=sqlite:/data/pipeshub.db \
    PIPESHUB_LOG_FORMAT=json
WORKDIR /app
COPY --from=production-dependencies /app ./
COPY --from=build /app/packages/models/dist packages/models/dist
COPY --from=build /app/packages/server/dist packages/server/dist
COPY --from=build /app/apps/token-server/dist apps/token-server/dist
# The SQLite file (and its WAL) live on this volume, owned by the unprivileged user the server runs as.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8787
# Readiness, not liveness: 503 while the store does not answer and once shutdown began.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PIPESHUB_PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) drains: readiness 503, PIPESHUB_SHUTDOWN_DELAY, in-flight requests finish.
CMD ["node", "apps/token-server/dist/main.js"]
