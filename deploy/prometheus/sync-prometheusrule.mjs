#!/usr/bin/env node
// Regenerates the PrometheusRule from the plain rules file, so the two never drift:
//   node deploy/prometheus/sync-prometheusrule.mjs
// The "release" label is set per overlay (deploy/kubernetes/overlays/production/kustomization.yaml).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

const rulesFile = new URL('./otp-courier.rules.yml', import.meta.url);
const target = new URL('../kubernetes/components/monitoring/prometheusrule.yaml', import.meta.url);

const { groups } = parse(readFileSync(rulesFile, 'utf8'));
const rule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: {
    name: 'otp-courier',
    labels: { 'app.kubernetes.io/name': 'otp-courier', release: 'kube-prometheus-stack' },
  },
  spec: { groups },
};
const header =
  '# GENERATED from deploy/prometheus/otp-courier.rules.yml by deploy/prometheus/sync-prometheusrule.mjs:\n' +
  '# edit the rules file, then rerun the script. test/deploy/prometheus-rules.test.ts fails when they differ.\n';
writeFileSync(target, header + stringify(rule, { lineWidth: 0 }));
