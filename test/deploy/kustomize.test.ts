import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { OVERLAYS, buildOverlay, mebibytes, readObjects, readYamlFile, type K8sObject, type Overlay } from './lib/manifests.js';
import { SCHEMA_VALIDATORS, isKindKey, kindKeyOf } from './lib/k8s-models.js';
import { createFieldChecker, type FieldChecker } from './lib/strict-fields.js';
import { isAllowedMetric, metricNamesIn } from './lib/metric-names.js';
import { shouldRunWith } from './lib/tools.js';
import { cliBuilt, configCheck, writeStandInSecrets } from './lib/config-check.js';

const runKubectl = await shouldRunWith('kubectl', ['version', '--client'], 'https://kubernetes.io/docs/tasks/tools/');

/** The config.yaml an overlay's ConfigMap carries, as text. */
const configTextOf = (objects: K8sObject[]): string => {
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('otp-courier-config'));
  return String((configMap?.data as Record<string, string> | undefined)?.['config.yaml']);
};

if (!cliBuilt) console.warn('otp-courier is not built: skipping `config check` of the overlays\' configs (npm run build first).');

const SECRET_MOUNT = '/etc/otp-courier/secrets';
const ofKind = <T>(objects: K8sObject[], kind: string): T[] => objects.filter((o) => o.kind === kind) as unknown as T[];
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

let checkFields: FieldChecker;
beforeAll(() => {
  checkFields = createFieldChecker();
});

/** Schema validation plus the unknown-field check, for any object of a known kind. */
const expectValid = (object: K8sObject): void => {
  const key = kindKeyOf(object);
  if (!isKindKey(key)) throw new Error(`${key} ${object.metadata.name}: no model registered for this kind`);
  expect(() => SCHEMA_VALIDATORS[key](object), `${key} ${object.metadata.name}`).not.toThrow();
  expect(checkFields(key, object), `${key} ${object.metadata.name}`).toEqual([]);
};

describe('the unknown-field check', () => {
  it('reports misspelt and misplaced fields the schema validators accept', async () => {
    const [deployment] = ofKind<IDeployment>(await readObjects('deploy/kubernetes/base/worker.yaml'), 'Deployment');
    const container = deployment?.spec?.template.spec?.containers[0];
    if (!deployment || !container) throw new Error('worker.yaml has no Deployment');
    const broken = structuredClone(deployment) as unknown as K8sObject;
    const brokenContainer = (broken as unknown as IDeployment).spec?.template.spec?.containers[0] as unknown as Record<string, unknown>;
    brokenContainer.livenessprobe = brokenContainer.livenessProbe;
    (brokenContainer.resources as Record<string, unknown>).limit = { cpu: '1' };
    expect(() => SCHEMA_VALIDATORS['apps/v1/Deployment'](broken)).not.toThrow();
    expect(checkFields('apps/v1/Deployment', broken).sort()).toEqual([
      '/spec/template/spec/containers/0/livenessprobe: unknown field',
      '/spec/template/spec/containers/0/resources/limit: unknown field',
    ]);
    expect(checkFields('keda.sh/v1alpha1/ScaledObject', { spec: { triggers: [{ type: 'x', metadata: { free: 'form' }, treshold: '1' }] } })).toEqual([
      '/spec/triggers/0/treshold: unknown field',
    ]);
  });
});

describe('secret.example.yaml', () => {
  it('is a valid Secret holding placeholders only', async () => {
    const [secret, ...rest] = await readObjects('deploy/kubernetes/secret.example.yaml');
    if (!secret) throw new Error('empty');
    expect(rest).toEqual([]);
    expectValid(secret);
    const data = secret.stringData as Record<string, string>;
    expect(Object.keys(data)).toContain('OTP_KEY_1');
    for (const [key, value] of Object.entries(data)) expect(value, key).toMatch(/^REPLACE_ME/);
  });
});

describe.skipIf(!runKubectl).each(OVERLAYS)('kustomize overlay %s', (overlay: Overlay) => {
  let objects: K8sObject[];
  let deployments: IDeployment[];
  let config: { queue?: { shutdownGraceSeconds?: number }; metrics?: { port?: number }; ingest?: { port?: number } };
  beforeAll(async () => {
    objects = await buildOverlay(overlay);
    deployments = ofKind<IDeployment>(objects, 'Deployment').filter((d) => d.metadata?.name?.startsWith('otp-courier-'));
    config = parse(configTextOf(objects)) as typeof config;
  });

  it('builds, and every object passes its schema and has no unknown field', () => {
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual(['otp-courier-ingest', 'otp-courier-worker']);
    for (const object of objects) expectValid(object);
  });

  it('runs each app container with probes on the app port, a hardened context and bounded memory', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec?.template.spec;
      const [container, ...others] = pod?.containers ?? [];
      if (!pod || !container) throw new Error('no container');
      expect(others).toEqual([]);
      const port = container.ports?.[0]?.name;
      expect(['metrics', 'http']).toContain(port);
      expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port });
      expect(container.args?.slice(1)).toEqual(['--config', '/etc/otp-courier/config.yaml']);

      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      const secrets = container.volumeMounts?.find((m) => m.mountPath === SECRET_MOUNT);
      expect(pod.volumes?.find((v) => v.name === secrets?.name)?.secret?.secretName).toBe('otp-courier-secrets');

      expectHeapBelowLimit(container);
      expect(container.resources?.requests?.cpu).toBeDefined();
    }
  });

  it('gives the worker more time to stop than the shutdown grace, and listens where the config says', () => {
    const byName = (name: string) => deployments.find((d) => d.metadata?.name === name);
    const worker = byName('otp-courier-worker')?.spec?.template.spec;
    const ingest = byName('otp-courier-ingest')?.spec?.template.spec;
    const grace = config.queue?.shutdownGraceSeconds ?? 25;
    expect(worker?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(grace + 10);
    expect(worker?.containers[0]?.ports?.[0]?.containerPort).toBe(config.metrics?.port ?? 9464);
    expect(ingest?.containers[0]?.ports?.[0]?.containerPort).toBe(config.ingest?.port ?? 8080);
  });

  it('references only secret keys that the example Secret documents', async () => {
    const [example] = await readObjects('deploy/kubernetes/secret.example.yaml');
    const documented = Object.keys((example?.stringData ?? {}));
    const text = JSON.stringify(config);
    const used = [...text.matchAll(/\$\{file:\/etc\/otp-courier\/secrets\/([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const key of used) expect(documented).toContain(key);
    expect(text).not.toMatch(/\$\{(?!file:\/etc\/otp-courier\/secrets\/)/);
  });

  it('wires Services, PDBs and NetworkPolicies to the pods by label and port name', () => {
    const podOf = (labels: Record<string, string> | undefined) => deployments.find((d) => matches(labels, d.spec?.template.metadata?.labels));
    for (const service of ofKind<IService>(objects, 'Service').filter((s) => s.metadata?.name?.startsWith('otp-courier-'))) {
      const pod = podOf(service.spec?.selector);
      expect(pod, service.metadata?.name).toBeDefined();
      const portNames = pod?.spec?.template.spec?.containers.flatMap((c) => c.ports?.map((p) => p.name) ?? []);
      for (const port of service.spec?.ports ?? []) {
        expect(['metrics', 'http']).toContain(port.name);
        expect(portNames).toContain(port.targetPort);
      }
    }
    const pdbs = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
    const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
    for (const deployment of deployments) {
      const labels = deployment.spec?.template.metadata?.labels;
      expect(pdbs.filter((p) => matches(p.spec?.selector?.matchLabels, labels))).toHaveLength(1);
      expect(policies.filter((p) => matches(p.spec?.podSelector?.matchLabels, labels))).toHaveLength(1);
    }
    for (const pdb of pdbs) expect(pdb.spec?.maxUnavailable).toBe(1);
  });

  it.skipIf(!cliBuilt)('carries a config that passes `otp-courier config check` (with stand-in secrets)', async () => {
    const secrets = await mkdtemp(join(tmpdir(), 'otp-overlay-secrets-'));
    try {
      await writeStandInSecrets(secrets, randomBytes(32).toString('base64'));
      const result = await configCheck(configTextOf(objects), secrets, 'config.yaml');
      expect(result.code, result.output).toBe(0);
    } finally {
      await rm(secrets, { recursive: true, force: true });
    }
  });

});

describe.skipIf(!runKubectl)('production overlay extras', () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await buildOverlay('production');
  });

  it('lets Prometheus Operator discover the ServiceMonitors and the rule through a release label', () => {
    const monitoring = objects.filter((o) => o.apiVersion === 'monitoring.coreos.com/v1');
    expect(monitoring.map((o) => o.kind).sort()).toEqual(['PrometheusRule', 'ServiceMonitor', 'ServiceMonitor']);
    for (const object of monitoring) expect(object.metadata.labels?.release, object.metadata.name).toMatch(/.+/);
  });

  it('points each ServiceMonitor at a Service port that exists', () => {
    const services = ofKind<IService>(objects, 'Service');
    for (const monitor of ofKind<IServiceMonitor>(objects, 'ServiceMonitor')) {
      const targets = services.filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata?.labels));
      expect(targets, monitor.metadata?.name).toHaveLength(1);
      for (const endpoint of monitor.spec.endpoints ?? []) {
        expect(targets[0]?.spec?.ports?.map((p) => p.name)).toContain(endpoint.port);
        expect(endpoint.path).toBe('/metrics');
      }
    }
  });

  it('scales the worker with KEDA on SPEC queue metrics of its own namespace, never below 2', () => {
    const [scaled, ...more] = ofKind<IScaledObject>(objects, 'ScaledObject');
    if (!scaled) throw new Error('no ScaledObject');
    expect(more).toEqual([]);
    const worker = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'otp-courier-worker') as unknown as IDeployment;
    expect(scaled.spec.scaleTargetRef.name).toBe(worker.metadata?.name);
    expect(worker.spec?.replicas).toBeUndefined(); // the HPA owns it
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount ?? 0);
    const queries = scaled.spec.triggers.map((t) => t.metadata.query ?? '');
    expect(queries.flatMap((q) => metricNamesIn(q)).sort()).toEqual(['otp_queue_jobs', 'otp_queue_oldest_waiting_age_seconds']);
    for (const trigger of scaled.spec.triggers) {
      expect(trigger.type).toBe('prometheus');
      expect(isAllowedMetric(metricNamesIn(trigger.metadata.query ?? '')[0] ?? '', new Set())).toBe(true);
      expect(trigger.metadata.query).toContain(`namespace="${worker.metadata?.namespace}"`);
      expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
      expect(trigger.metadata.serverAddress).toMatch(/^https?:\/\//);
      // KEDA rejects a fallback on triggers whose metricType is not AverageValue (the default).
      if (scaled.spec.fallback) expect(trigger.metricType ?? 'AverageValue').toBe('AverageValue');
    }
  });

  it('scales on every shard of the queue (SPEC §10): the backlog summed over shards, the oldest age of any', () => {
    const [scaled] = ofKind<IScaledObject>(objects, 'ScaledObject');
    const query = (name: string) => scaled?.spec.triggers.find((t) => t.name === name)?.metadata.query ?? '';
    // Every worker reports every shard's gauges: one value per queue first, then over the queues.
    expect(query('backlog')).toMatch(/^sum\(max by \(queue\) \(otp_queue_jobs\{.*state="waiting".*\}\)\)$/);
    expect(query('oldest-waiting-age')).toMatch(/^max\(otp_queue_oldest_waiting_age_seconds\{.*\}\)$/);
    for (const name of ['backlog', 'oldest-waiting-age']) {
      const matcher = /queue=~"([^"]+)"/.exec(query(name))?.[1];
      if (!matcher) throw new Error(`${name}: no queue=~ matcher`);
      const queue = new RegExp(`^(?:${matcher})$`); // PromQL anchors =~ at both ends
      for (const q of ['otp', 'otp-0of3', 'otp-5of6', 'otp-12of16']) expect(queue.test(q), `${name} ${q}`).toBe(true);
      for (const q of ['otp-dead', 'otp-0of6-dead', 'other', 'otp-x']) expect(queue.test(q), `${name} ${q}`).toBe(false);
    }
  });

  it('enforces the restricted Pod Security Standard on its namespace', () => {
    const [namespace] = objects.filter((o) => o.kind === 'Namespace');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(namespace?.metadata.name);
  });
});

describe.skipIf(!runKubectl)('cluster overlay extras', () => {
  type Config = { redis?: { url?: string; cluster?: string[]; prefix?: string }; queue?: { shards?: number } & Record<string, unknown> } & Record<string, unknown>;
  let objects: K8sObject[];
  let config: Config;
  beforeAll(async () => {
    objects = await buildOverlay('cluster');
    config = parse(configTextOf(objects)) as Config;
  });

  it('points at Redis Cluster seeds and spreads the queue over 6 shards, two per master of three', () => {
    expect(config.redis?.url).toBeUndefined();
    expect(config.redis?.cluster?.length).toBeGreaterThanOrEqual(1);
    expect(config.redis?.cluster?.[0]).toBe('${file:/etc/otp-courier/secrets/REDIS_URL}');
    expect(config.queue?.shards).toBe(6);
    expect((config.queue?.shards ?? 0) % 3).toBe(0);
  });

  it('differs from the base config only in redis (seeds) and queue.shards', async () => {
    const base = (await readYamlFile('deploy/kubernetes/base/config.yaml')) as Config;
    const { redis, queue, ...rest } = config;
    const { redis: baseRedis, queue: baseQueue, ...baseRest } = base;
    expect(rest).toEqual(baseRest);
    const { shards, ...queueRest } = queue ?? {};
    expect(shards).toBeGreaterThan(1);
    expect(queueRest).toEqual(baseQueue);
    expect(redis?.prefix).toBe(baseRedis?.prefix);
  });

  it('keeps the production overlay around it: namespace, monitoring and KEDA', async () => {
    const production = await buildOverlay('production');
    const kinds = (list: K8sObject[]) => list.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort();
    expect(kinds(objects)).toEqual(kinds(production));
  });
});

const expectHeapBelowLimit = (container: IContainer): void => {
  const limit = container.resources?.limits?.memory;
  const options = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  const heap = /--max-old-space-size=(\d+)/.exec(options)?.[1];
  if (typeof limit !== 'string' || !heap) throw new Error(`${container.name}: needs a memory limit and --max-old-space-size`);
  expect(Number(heap), container.name).toBeLessThanOrEqual(mebibytes(limit) * 0.8);
};
