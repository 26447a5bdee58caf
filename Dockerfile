# Baton gateway image: build with dev dependencies, run with production dependencies only, as the non-root `node` user.
# Node 24 is the current LTS; pin a patch release or digest here when cutting a release for reproducible builds.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# Application files stay owned by root: the server process can read them but not rewrite them.
COPY --from=build /app/dist ./dist
COPY bundles ./bundles
# Created and chowned before VOLUME so a fresh named volume starts out writable by `node`.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
# Inside a container the listeners must bind all interfaces to be reachable through published ports.
ENV BATON_DATA_DIR=/data \
    BATON_ADMIN_HOST=0.0.0.0 \
    BATON_DATAPLANE_HOST=0.0.0.0
USER node
# 9000 admin API; 9001/9002 test/prod HTTP; 9443/9444 test/prod HTTPS (self-signed unless configured).
EXPOSE 9000 9001 9002 9443 9444
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.BATON_ADMIN_PORT || '9000') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, so in-flight requests drain before exit.
CMD ["node", "dist/cli.js", "serve"]
