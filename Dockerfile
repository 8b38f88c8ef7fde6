# syntax=docker/dockerfile:1
# otp-courier image: docker build -t otp-courier:0.1.0 .
# Runs as UID/GID 10001 under tini; the app handles SIGTERM (stops taking jobs, drains, exits).
# Default command: the worker. Others: ingest, send, dlq ..., config check, keygen.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: full dependency tree, compile TypeScript to dist/ -----------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would build before the sources are here.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies only -------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 otp \
 && useradd --system --uid 10001 --gid otp --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin otp \
 && mkdir -p /etc/otp-courier /var/lib/otp-courier \
 && chown otp:otp /var/lib/otp-courier   # writable data dir (outbox files); a named volume inherits the owner
ENV NODE_ENV=production \
    OTP_COURIER_CONFIG=/etc/otp-courier/config.yaml
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: skips "prepare" (dist/ comes from the build stage). The only dependency install
# script it skips, msgpackr-extract's, just looks for the prebuilt binary, which loads at run time anyway.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN chmod 0755 bin/otp-courier.js && ln -s /app/bin/otp-courier.js /usr/local/bin/otp-courier

# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
# 9464: worker /metrics /healthz /readyz (metrics.port); 8080: ingest (ingest.port).
EXPOSE 9464 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/otp-courier.js"]
CMD ["worker"]
