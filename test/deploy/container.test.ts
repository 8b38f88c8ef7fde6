import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readObjects } from './lib/manifests.js';
import { readRuleGroups } from './lib/rules.js';
import { REPO } from './lib/tools.js';

type Service = {
  image?: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  read_only?: boolean;
  stop_grace_period?: string;
  environment?: Record<string, string>;
};
type Compose = { services: Record<string, Service> };
type Connector = { provider: string; config: Record<string, unknown> };
type AppConfig = {
  queue?: { shutdownGraceSeconds?: number };
  email?: { connectors: Record<string, Connector> };
  sms?: { connectors: Record<string, Connector> };
};

const COMPOSE_DIR = join(REPO, 'deploy/compose');
const read = (path: string) => readFile(join(REPO, path), 'utf8');
const seconds = (duration: string | undefined): number => Number(/^(\d+)s$/.exec(duration ?? '')?.[1] ?? NaN);

describe('Dockerfile', () => {
  let lines: string[];
  beforeAll(async () => {
    lines = (await read('Dockerfile')).split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  });

  it('builds on Node 22 in a separate stage and installs production dependencies only', () => {
    expect(lines.find((l) => l.startsWith('ARG NODE_IMAGE='))).toMatch(/=node:22[-.\w]*$/);
    expect(lines.filter((l) => l.startsWith('FROM '))).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/npm ci --omit=dev --ignore-scripts/));
    expect(lines).toContainEqual(expect.stringMatching(/^COPY --from=build \/app\/dist/));
  });

  it('runs as a numeric non-root user under an init that forwards signals', () => {
    const user = lines.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    expect(lines.find((l) => l.startsWith('ENTRYPOINT '))).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "node", "\/app\/bin\/otp-courier\.js"\]$/);
  });

  it('keeps secrets, dependencies and build output out of the context', async () => {
    const ignored = (await read('.dockerignore')).split('\n');
    for (const entry of ['**/node_modules', 'dist', '.git', '.env', '.env.*']) expect(ignored).toContain(entry);
  });
});

describe('deploy/compose', () => {
  let compose: Compose;
  let config: AppConfig;
  beforeAll(async () => {
    compose = parse(await read('deploy/compose/compose.yaml'), { merge: true }) as Compose;
    config = parse(await read('deploy/compose/otp-courier.yaml')) as AppConfig;
  });

  it('runs Redis with AOF on and noeviction', () => {
    const command = compose.services.redis?.command?.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('runs worker and ingest read-only, with a stop grace above the shutdown grace', () => {
    const grace = config.queue?.shutdownGraceSeconds ?? 25;
    for (const name of ['worker', 'ingest']) {
      const service = compose.services[name];
      expect(service?.command?.[0], name).toBe(name);
      expect(service?.read_only, name).toBe(true);
      expect(seconds(service?.stop_grace_period), name).toBeGreaterThan(grace);
    }
  });

  it('delivers through the outbox provider only', () => {
    const connectors = [...Object.values(config.email?.connectors ?? {}), ...Object.values(config.sms?.connectors ?? {})];
    expect(connectors.length).toBe(2);
    for (const connector of connectors) expect(connector.provider).toBe('outbox');
  });

  it('publishes ports on 127.0.0.1 only and mounts files that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('.')) expect(existsSync(resolve(COMPOSE_DIR, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('provisions Grafana with the dashboard and a Prometheus datasource', async () => {
    const grafana = compose.services.grafana?.volumes ?? [];
    expect(grafana).toContain('../grafana/otp-courier.json:/var/lib/grafana/dashboards/otp-courier.json:ro');
    const provider = parse(await read('deploy/compose/grafana/provisioning/dashboards/otp-courier.yaml')) as { providers: { options: { path: string } }[] };
    expect(provider.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
    const sources = parse(await read('deploy/compose/grafana/provisioning/datasources/prometheus.yaml')) as { datasources: { type: string; url: string }[] };
    expect(sources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
  });
});

describe('scrape job names', () => {
  it('are the same in compose, on Kubernetes (Service names) and in the alerts', async () => {
    const prometheus = parse(await read('deploy/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { job_name: string }[] };
    const jobs = prometheus.scrape_configs.map((s) => s.job_name).filter((j) => j.startsWith('otp-courier-'));
    expect(jobs.sort()).toEqual(['otp-courier-ingest', 'otp-courier-worker']);
    const services = [
      ...(await readObjects('deploy/kubernetes/base/worker.yaml')),
      ...(await readObjects('deploy/kubernetes/base/ingest.yaml')),
    ].filter((o) => o.kind === 'Service');
    expect(services.map((s) => s.metadata.name).sort()).toEqual(jobs);
    const alertJobs = (await readRuleGroups()).flatMap((g) => g.rules.flatMap((r) => [...r.expr.matchAll(/job="([^"]+)"/g)].map((m) => m[1])));
    for (const job of alertJobs) expect(jobs).toContain(job);
    // The compose Prometheus mounts the rules file next to prometheus.yml.
    const mounts = (parse(await read('deploy/compose/compose.yaml'), { merge: true }) as Compose).services.prometheus?.volumes ?? [];
    for (const file of prometheus.rule_files) {
      expect(mounts).toContainEqual(expect.stringMatching(new RegExp(`:${join(dirname('/etc/prometheus/prometheus.yml'), file)}:ro$`)));
    }
  });
});
