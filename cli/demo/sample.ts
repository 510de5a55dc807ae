// The facts of the embedded sample: one pipeline run that trains and ships one model to one GitOps app.
import { join } from 'node:path';
import { REPO } from './session.js';

export const SAMPLE = {
  /** Files copied into the demo's GitOps repo under apps/<app>/ (plain YAML). */
  appFiles: join(REPO, 'cli', 'demo-sample', 'checkout-model'),
  app: 'checkout-model',
  appPath: 'apps/checkout-model',
  /** Where Argo CD keeps its Application, and where the app is deployed. */
  argocdNamespace: 'argocd',
  namespace: 'ml',
  project: 'default',
  repoUrl: 'https://git.example.com/shop/gitops.git',
  pipelineName: 'train-and-deploy',
  runId: '1842',
  runUrl: 'https://ci.example.com/shop/checkout-model/runs/1842',
  modelId: 'checkout-ranker:2026-12-01.1',
  datasetVersion: 'orders@2026-11-30',
  environment: 'production',
} as const;
