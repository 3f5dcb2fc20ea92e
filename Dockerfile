# One image for the API, the worker and the migration job, on Node 24 LTS (the
# version package.json's engines and .nvmrc name).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
RUN npm ci
COPY src ./src
COPY admin ./admin
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# Two malloc arenas instead of one per busy thread (see src/process-memory.ts).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# Production dependencies only (the Prisma CLI among them, for the migration job): no
# compilers, bundlers or test tools in the image. The install's `prisma generate` writes
# into src/, which the compiled code in dist/ does not use. The Node binary npm installs
# for development on machines with an older Node (node-linux-*, an optional dependency)
# goes too: the image runs the base image's Node.
RUN npm ci --omit=dev && npm cache clean --force && rm -rf src node_modules/node-linux-* node_modules/.bin/node
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8000
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=4", "dist/api/main.js"]
