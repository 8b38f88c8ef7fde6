/**
 * The typed models of every kind the manifests may contain, keyed by `apiVersion/kind`.
 * Only types: `strict-fields.ts` reads this file with the TypeScript checker to learn the known
 * fields of each kind (kubernetes-models' validators accept unknown fields).
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';

export interface KnownKinds {
  'apps/v1/Deployment': IDeployment;
  'v1/ConfigMap': IConfigMap;
  'v1/Namespace': INamespace;
  'v1/Secret': ISecret;
  'v1/Service': IService;
  'v1/ServiceAccount': IServiceAccount;
  'networking.k8s.io/v1/NetworkPolicy': INetworkPolicy;
  'policy/v1/PodDisruptionBudget': IPodDisruptionBudget;
  'monitoring.coreos.com/v1/PrometheusRule': IPrometheusRule;
  'monitoring.coreos.com/v1/ServiceMonitor': IServiceMonitor;
  'keda.sh/v1alpha1/ScaledObject': IScaledObject;
}

export type KindKey = keyof KnownKinds;
