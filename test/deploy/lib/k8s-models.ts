import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { KindKey } from './k8s-kinds.js';

/** Throws when the object breaks its kind's schema (types, enums, required fields). */
export type SchemaValidator = (object: object) => void;

const using =
  <T>(Model: new (data: T) => { validate(): void }): SchemaValidator =>
    (object) =>
      new Model(object as T).validate();

/** kubernetes-models validators by `apiVersion/kind`; the keys are those of `KnownKinds`. */
export const SCHEMA_VALIDATORS: Record<KindKey, SchemaValidator> = {
  'apps/v1/Deployment': using(Deployment),
  'v1/ConfigMap': using(ConfigMap),
  'v1/Namespace': using(Namespace),
  'v1/Secret': using(Secret),
  'v1/Service': using(Service),
  'v1/ServiceAccount': using(ServiceAccount),
  'networking.k8s.io/v1/NetworkPolicy': using(NetworkPolicy),
  'policy/v1/PodDisruptionBudget': using(PodDisruptionBudget),
  'monitoring.coreos.com/v1/PrometheusRule': using(PrometheusRule),
  'monitoring.coreos.com/v1/ServiceMonitor': using(ServiceMonitor),
  'keda.sh/v1alpha1/ScaledObject': using(ScaledObject),
};

export const kindKeyOf = (object: { apiVersion?: unknown; kind?: unknown }): string => `${String(object.apiVersion)}/${String(object.kind)}`;

export const isKindKey = (key: string): key is KindKey => Object.hasOwn(SCHEMA_VALIDATORS, key);
