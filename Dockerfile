# syntax=docker/dockerfile:1
# One image for the farm's processes: a farm replica by default (`node dist/src/main/farm.js`, add
# `--role fulfillment|reconciliation|events`), the order intake (`node dist/src/main/intake.js`) and
# the migrations (`node dist/src/main/migrate.js`). The build stage type checks the whole repository
# and compiles src/ and workers/ to JavaScript (tsconfig.build.json); the runtime image ships that
# JavaScript, the migrations and the production dependencies only: no TypeScript, no type
# stripping at run time (less memory per process), no tools/ or tests.
# Models are deployed from CI (`npm run deploy` gates on the contract check, a dev tool).
# Configuration comes from the environment; credentials from mounted files (<NAME>_FILE), never
# from this file. NODE_ENV=production (below): a process exits 78 (EX_CONFIG), naming every variable,
# while any address or credential it needs is still a development default (src/platform/production-config.ts). Not built on the development machine (it has no Docker engine); test/deploy/
# checks this file's must-haves.

ARG NODE_VERSION=24.21.0

# --- production dependencies only
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# no install scripts: no production dependency needs one (all pure JavaScript)
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- the build: all dependencies, the type check of everything the repository holds, then the
# compiled JavaScript of src/ and workers/ (tests left out) in dist/, and the operator console's
# page bundled into dist/console (the intake serves it at /console/)
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# the image's own node runs tsc (the `node` dev dependency is the development machines' Node)
RUN node node_modules/typescript/bin/tsc --noEmit -p tsconfig.json \
 && rm -rf dist \
 && node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && node console/build.ts \
 && rm -f dist/.tsbuildinfo

# --- runtime: slim, non-root, read-only friendly (nothing is written under /app)
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    FARM_HTTP_HOST=0.0.0.0 \
    FARM_HTTP_PORT=9464 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
# the files stay root-owned: the process can read them, not change them
USER node
# 9464: the farm's /metrics, /health/live, /health/ready; 3000: the intake (same paths on its port)
EXPOSE 9464 3000
# Docker's own probe of a farm container (Kubernetes uses the Deployment's probes instead);
# an intake container sets PROBE_URL=http://127.0.0.1:3000/health/live
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.PROBE_URL || 'http://127.0.0.1:9464/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains: no new jobs, running ones finish within the job timeout, then exit 0
STOPSIGNAL SIGTERM
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=4", "dist/src/main/farm.js"]
