# One image for every service; the compose service's command picks the stage (see docker-compose.yml).
# Build stage: compilers for better-sqlite3's native addon (used when no prebuilt binary fits), dev
# dependencies for the TypeScript build; only production dependencies leave it.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
# Every workspace wholesale, so a new packages/* or services/* needs no edit here.
COPY packages ./packages
COPY services ./services
# npm run build ends by saving the taxonomy's spellings for query understanding (packages/store).
COPY scripts/build-query-gazetteer.mjs ./scripts/
# prune keeps typescript: valibot (under @bull-board/api) names it as an optional peer, and the workspace
# has it as a dev dependency. Nothing loads it at run time, so it goes too.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/typescript \
 && cd node_modules/better-sqlite3 && rm -rf deps src build/Release/obj.target build/Release/.deps build/deps

# Runtime stage: node, the compiled code and production dependencies; no compilers.
FROM node:20-bookworm-slim
ENV NODE_ENV=production REGRADAR_DATA_DIR=/data REGRADAR_FEEDS=/config/feeds.yaml
# A fresh named volume takes the owner of the directory it is mounted over: make both the `node`
# user's, so the data volume (SQLite, checkpoints) and the config directory are writable by it.
RUN mkdir -p /data /config && chown node:node /data /config
COPY --chown=node:node config/feeds.yaml /config/feeds.yaml
WORKDIR /app
# The code stays root-owned: the service user can read it, not change it.
COPY --from=build /app /app
USER node
ENTRYPOINT ["node", "/app/packages/cli/dist/main.js"]
CMD ["run"]
