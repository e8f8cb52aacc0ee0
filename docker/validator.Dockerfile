# syntax=docker/dockerfile:1
# The validator service. Build from the repository root:
#   docker build -f docker/validator.Dockerfile -t storeflow/validator .
# The two service Dockerfiles differ only in the service's name and port (a test checks it).

# Node exactly as the `node` devDependency pins it, so the image runs what CI tested.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV TURBO_TELEMETRY_DISABLED=1
RUN npm install --global pnpm@10.34.9
WORKDIR /repo
# The lockfile alone decides the downloads, so this layer survives source edits.
# --ignore-scripts: the one install script the workspace allows fetches the Node binary of the
# `node` devDependency, which this image already is (pnpm warns that it cannot link its bin).
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY patches ./patches
RUN pnpm fetch --ignore-scripts
COPY . .
RUN pnpm install --frozen-lockfile --offline --ignore-scripts
RUN pnpm exec turbo run build --filter=@storeflow/validator...
RUN bash docker/deploy-service.sh validator /out

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# glibc's allocator settings, SERVICE_MALLOC_ENV of @storeflow/runtime (a test checks they agree):
# freed buffers go back to the system instead of staying in a worker's resident memory.
ENV MALLOC_ARENA_MAX=2
ENV MALLOC_MMAP_THRESHOLD_=1048576
WORKDIR /app
COPY --from=build /out/package.json ./package.json
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /out/dist ./dist
COPY docker/healthcheck.mjs /usr/local/lib/storeflow/healthcheck.mjs
# The base image's unprivileged `node` user, by number so platforms can check it is not root.
USER 1000:1000
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/storeflow/healthcheck.mjs", "VALIDATOR_METRICS_PORT", "9464"]
# Node is PID 1 and handles SIGTERM itself: it finishes or hands back in-flight work, then exits 0.
STOPSIGNAL SIGTERM
# The flags are SERVICE_NODE_FLAGS of @storeflow/runtime, which says why and which the demo's, the
# bench's and the chaos suite's service processes get too (a test checks the two agree): V8
# otherwise sizes its heap from the host's memory, past the 256 MB a worker is budgeted.
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=20", "dist/main.js"]
