import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO, run } from './tools.js';

/** A Kubernetes object as parsed from YAML. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

export const KUBERNETES_DIR = join(REPO, 'deploy/kubernetes');
/** The Kustomize overlays under deploy/kubernetes/overlays (`cluster`: Redis Cluster with shards, SPEC §10). */
export const OVERLAYS = ['production', 'dev', 'cluster'] as const;
export type Overlay = (typeof OVERLAYS)[number];

const toObjects = (text: string): K8sObject[] =>
  parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);

/** `kubectl kustomize` output of an overlay, as objects. */
export const buildOverlay = async (overlay: Overlay): Promise<K8sObject[]> => {
  const { stdout } = await run('kubectl', ['kustomize', join(KUBERNETES_DIR, 'overlays', overlay)], { maxBuffer: 16 * 1024 * 1024 });
  return toObjects(stdout);
};

export const readYamlFile = async (path: string): Promise<unknown> => parse(await readFile(join(REPO, path), 'utf8'));

export const readObjects = async (path: string): Promise<K8sObject[]> => toObjects(await readFile(join(REPO, path), 'utf8'));

export const findObject = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

/** Memory quantity (e.g. 512Mi, 1Gi) in MiB. */
export const mebibytes = (quantity: string): number => {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unsupported memory quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};
