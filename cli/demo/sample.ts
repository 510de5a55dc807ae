// The facts of the embedded sample: one pipeline run that trains and ships one model to one GitOps app.
import { join } from 'node:path';
import { REPO } from './session.js';

export const SAMPLE = {
  /** Files copied into the demo's GitOps repo under apps/<app>/ (plain YAML). */
  appFiles: join(REPO, 'cli', 'demo-sample', 'checkout-model'),
  /** The same app as a Kustomize overlay (its kustomization.yaml; rollout.yaml and service.yaml are copied in). */
  kustomizeFiles: join(REPO, 'cli', 'demo-sample', 'checkout-model-kustomize'),
  kustomizeAppPath: 'apps/checkout-model-kustomize',
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
  /** The model server image the pipeline built (the Rollout's canary); stable runs `previousImageTag`. */
  image: 'ghcr.io/example/checkout-model',
  imageTag: '1.4.0',
  previousImageTag: '1.3.2',
  modelId: 'checkout-ranker:2026-12-01.1',
  datasetVersion: 'orders@2026-11-30',
  /** What stable serves: the model of the previous release, and the run that shipped it. */
  previousModelId: 'checkout-ranker:2026-11-24.3',
  previousRunId: '1790',
  environment: 'production',
} as const;
