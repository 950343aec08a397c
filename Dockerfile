# One image for every service; the command picks the stage (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY packages ./packages
COPY services ./services
# npm run build ends by saving the taxonomy's spellings for query understanding (packages/store).
COPY scripts/build-query-gazetteer.mjs ./scripts/
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production REGRADAR_DATA_DIR=/data
COPY --from=build /app /app
USER node
ENTRYPOINT ["node", "packages/cli/dist/main.js"]
CMD ["run"]
