# syntax=docker/dockerfile:1
# The operator command line `storeflow` (packages/cli), for Docker Compose: the one-shot
# `bootstrap` service of docker-compose.localstack.yml creates the pipeline's resources in
# LocalStack with the same code as `storeflow bootstrap` everywhere else.
#   docker build -f docker/tools.Dockerfile -t storeflow/tools .
#   docker run --rm -e AWS_ENDPOINT_URL=… storeflow/tools bootstrap --prefix storeflow

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV TURBO_TELEMETRY_DISABLED=1
RUN npm install --global pnpm@10.34.9
WORKDIR /repo
# The build stage of validator.Dockerfile (which says why each step is so), for the command line.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY patches ./patches
RUN pnpm fetch --ignore-scripts
COPY . .
RUN pnpm install --frozen-lockfile --offline --ignore-scripts
RUN pnpm exec turbo run build --filter=@storeflow/cli...
RUN bash docker/deploy-service.sh cli /out

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/package.json ./package.json
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /out/dist ./dist
USER 1000:1000
# A command runs and exits; there is nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["--help"]
