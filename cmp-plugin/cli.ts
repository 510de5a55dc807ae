// `argo-otel generate`: the command argocd-cmp-server runs for our plugin. cwd = app dir, env in, manifests out on
// stdout (all or nothing), diagnostics on stderr, non-zero exit with a clear message on any error.
import { resolve, sep } from 'node:path';
import { Command, Option } from 'commander';
import { recordGeneration } from '../telemetry/generation.js';
import { startTracing } from '../telemetry/tracing.js';
import { generate } from './generate.js';
import { toYamlStream } from './render/yaml-writer.js';
import type { JsonValue } from './render/yaml-reader.js';
import { GenerateError, type GenerateInput, type GenerateResult, type KubeObject } from './types.js';

export type OutputFormat = 'yaml' | 'json';

/** Argo CD extracts the repo to `<root>/` and runs us in `<root>/<ARGOCD_APP_SOURCE_PATH>`; the root holds `.git`. */
export function repoRootFromEnv(appDir: string, env: Readonly<Record<string, string | undefined>>): string {
  const sourcePath = (env.ARGOCD_APP_SOURCE_PATH ?? '').replace(/^\.?\/+|\/+$/g, '');
  if (sourcePath === '' || sourcePath === '.') return appDir;
  const suffix = sep + sourcePath.split('/').join(sep);
  return appDir.endsWith(suffix) ? appDir.slice(0, -suffix.length) || sep : appDir;
}

/** YAML that go-yaml v2 reads back to the same values, or a JSON object stream (one object per line). */
export function formatManifests(objects: readonly KubeObject[], format: OutputFormat): string {
  if (format === 'json') return objects.map((o) => `${JSON.stringify(o)}\n`).join('');
  return toYamlStream(objects as unknown as JsonValue[]);
}

export function formatExplain(result: GenerateResult): string {
  return result.patches
    .map((p) => `# ${p.resource}: ${p.operations.length} operation(s)\n${JSON.stringify(p.operations, null, 2)}\n`)
    .join('');
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((done, fail) => {
    if (text === '') return done();
    stream.write(text, (err) => (err ? fail(err) : done()));
  });
}

export function generateCommand(): Command {
  return new Command('generate')
    .description('render the app in the current directory, inject trace context and lineage, print the manifests')
    .addOption(new Option('--output <format>', 'manifest format on stdout').choices(['yaml', 'json']).default('yaml'))
    .option('--explain', 'print each resource\'s RFC 6902 patch to stderr')
    .option('--repo-root <dir>', 'repository root (default: cwd minus ARGOCD_APP_SOURCE_PATH)')
    .action(async (opts: { output: OutputFormat; explain?: boolean; repoRoot?: string }) => {
      const appDir = process.cwd();
      const controller = new AbortController();
      // argocd-cmp-server signals the process group when its deadline passes; stop child tools with it.
      const onTerm = () => controller.abort();
      process.once('SIGTERM', onTerm);
      const input: GenerateInput = {
        appDir,
        repoRoot: opts.repoRoot ? resolve(opts.repoRoot) : repoRootFromEnv(appDir, process.env),
        env: process.env,
        signal: controller.signal,
      };
      const tracing = startTracing({ serviceName: 'argo-otel-cmp' });
      const startTime = Date.now();
      let result: GenerateResult | undefined;
      let error: unknown;
      let output = '';
      try {
        result = await generate(input);
        // Serialize fully before writing anything: stdout is all or nothing.
        output = formatManifests(result.objects, opts.output);
      } catch (err) {
        error = err;
      }
      recordGeneration(tracing.tracer, { input, result, error, startTime, endTime: Date.now(), mode: 'generate' });
      await tracing.shutdown();
      process.removeListener('SIGTERM', onTerm);
      if (result && error === undefined) {
        const diagnostics = result.warnings.map((w) => `argo-otel generate: warning: ${w}\n`).join('');
        await write(process.stderr, diagnostics + (opts.explain ? formatExplain(result) : ''));
        await write(process.stdout, output);
        return;
      }
      const message = error instanceof GenerateError || error instanceof Error ? error.message : String(error);
      await write(process.stderr, `argo-otel generate: error: ${message}\n`);
      process.exitCode = 1;
    });
}
