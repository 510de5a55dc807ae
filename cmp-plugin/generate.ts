// One manifest generation: render the app, read its lineage, inject. Shared by the `generate` CLI and our CMP
// server; all I/O (files, tools, lineage carriers) is injectable.
import { resolve } from 'node:path';
import { LineageError, readLineage, type LineageFiles } from '../lineage/carriers.js';
import type { LineageReadResult } from '../lineage/record.js';
import { inject } from './inject/inject.js';
import { injectOptionsFromParameters } from './inject/options.js';
import { defaultRenderDeps, render, type RenderDeps } from './render/index.js';
import { PluginParameters } from './render/parameters.js';
import { GenerateError, type GenerateInput, type GenerateResult } from './types.js';

export type ReadLineage = (
  input: {
    appDir: string;
    repoRoot?: string;
    env: Readonly<Record<string, string | undefined>>;
  },
  files?: LineageFiles,
) => Promise<LineageReadResult>;

export interface GenerateDeps {
  readLineage: ReadLineage;
  render: RenderDeps;
}

/** Plugin parameter: the app really has no objects, so an empty result is not a mistake. */
export const ALLOW_EMPTY_PARAMETER = 'allow-empty';

function checkAborted(signal: AbortSignal | undefined, step: string): void {
  if (signal?.aborted) {
    const reason = `generation aborted before ${step} (deadline passed)`;
    throw new GenerateError(reason, { reason });
  }
}

/**
 * Renders, reads lineage and injects. Errors are GenerateError with file/line/reason. Zero objects is an error
 * unless the `allow-empty` parameter says so: Argo CD prunes everything an empty generation leaves out.
 */
export async function generate(input: GenerateInput, deps: Partial<GenerateDeps> = {}): Promise<GenerateResult> {
  const appDir = resolve(input.appDir);
  const repoRoot = resolve(input.repoRoot ?? appDir);
  const params = PluginParameters.fromEnv(input.env);
  const options = injectOptionsFromParameters(params);
  const allowEmpty = params.boolean(ALLOW_EMPTY_PARAMETER, false);

  checkAborted(input.signal, 'rendering');
  const renderDeps = deps.render ?? defaultRenderDeps;
  const rendered = await render(
    { appDir, repoRoot, env: input.env, params, signal: input.signal },
    input.files ? { ...renderDeps, fs: input.files } : renderDeps,
  );
  if (rendered.objects.length === 0 && !allowEmpty) {
    const reason = `the ${rendered.renderer} renderer produced no Kubernetes objects; refusing to print an empty manifest set, which Argo CD would treat as "delete everything" when pruning (set plugin parameter ${ALLOW_EMPTY_PARAMETER}=true if the app is meant to be empty)`;
    throw new GenerateError(reason, { file: '.', reason });
  }

  checkAborted(input.signal, 'reading lineage');
  let lineage: LineageReadResult;
  try {
    lineage = await (deps.readLineage ?? readLineage)({ appDir, repoRoot, env: input.env }, input.files);
  } catch (err) {
    if (err instanceof LineageError) {
      const reason = `invalid lineage: ${err.message}`;
      throw new GenerateError(reason, { reason });
    }
    throw err;
  }

  checkAborted(input.signal, 'injecting');
  const injected = inject(
    rendered.objects.map((o) => o.object),
    // The rendered objects were just parsed and go nowhere else: patch them in place instead of copying each.
    { lineage: lineage.lineage, options, objectsHandedOver: true },
  );
  return {
    renderer: rendered.renderer,
    objects: injected.objects,
    patches: injected.patches,
    injected: injected.injected,
    lineage,
    warnings: [...rendered.warnings, ...lineage.warnings, ...injected.warnings],
  };
}
