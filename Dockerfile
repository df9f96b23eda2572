# syntax=docker/dockerfile:1
# BSS service image. Node runs src/main.ts directly (type stripping), so there is no compile step for the
# service; the build stage only builds the console (Vite) and resolves production dependencies.
#
#   docker build -t bss .
#   docker run --read-only --tmpfs /tmp -v bss-data:/data -p 8080:8080 bss
#   docker run --read-only --tmpfs /tmp -e BSS_DATABASE_URL=… bss src/cli/bss.ts migrate   (one-shot commands)
#
# The same Node as the project's tests (package.json devDependency `node`); pin by digest in production.
ARG NODE_IMAGE=node:24.21.0-alpine

# ---- build: full dependencies, the console's assets
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# no install scripts: the `node` dev dependency would fetch a second Node; the console is built below
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY console ./console
RUN node node_modules/typescript/bin/tsc -p console \
 && node node_modules/vite/bin/vite.js build --config console/vite.config.ts

# ---- deps: production dependencies only
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime: node, the sources, production node_modules, the built console; no npm needed at run time
FROM ${NODE_IMAGE} AS runtime
# npm and corepack are not used at run time: fewer files, fewer CVEs
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && mkdir -p /data && chown 1000:1000 /data
WORKDIR /app
ENV NODE_ENV=production \
    BSS_HOST=0.0.0.0 \
    BSS_PORT=8080 \
    BSS_DATA_DIR=/data
COPY --from=deps --chown=0:0 /app/node_modules ./node_modules
COPY --chown=0:0 package.json ./
COPY --chown=0:0 src ./src
COPY --from=build --chown=0:0 /app/console/dist ./console/dist
# the code is root-owned and read-only for the service user; only /data (PGlite, embedded mode) is
# written: mount a volume there, and a tmpfs on /tmp, to run with a read-only root file system
VOLUME ["/data"]
# numeric, so Kubernetes can verify runAsNonRoot (the image's `node` user)
USER 1000:1000
EXPOSE 8080
# readiness: 200 while the database answers (degraded dependencies still pass), 503 otherwise
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.BSS_PORT||8080)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 (exec form, no shell, no npm): SIGTERM reaches it and src/main.ts drains and exits 0
STOPSIGNAL SIGTERM
ENTRYPOINT ["node"]
CMD ["src/main.ts"]
