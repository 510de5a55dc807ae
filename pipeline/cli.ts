// `argo-otel stamp`: the pipeline step that writes the run's trace context and lineage into a GitOps checkout.
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { runStamp, type StampDeps, type StampOptions } from './run-stamp.js';

interface StampFlags {
  appDir: string;
  traceparent?: string;
  traceIdFrom?: string;
  tracestate?: string;
  modelId?: string;
  datasetVersion?: string;
  pipelineName?: string;
  runId?: string;
  runUrl?: string;
  sourceCommit?: string;
  environment?: string;
  commit?: boolean;
  message?: string;
  printEnv?: boolean;
}

// Spelled out so the compiler checks every flag lands on a real option. Note the two commits: `--source-commit`
// is the commit the pipeline built, while `--commit` asks us to make a git commit.
function toOptions(flags: StampFlags): StampOptions {
  return {
    appDir: flags.appDir,
    traceparent: flags.traceparent,
    traceIdFrom: flags.traceIdFrom,
    tracestate: flags.tracestate,
    modelId: flags.modelId,
    datasetVersion: flags.datasetVersion,
    pipelineName: flags.pipelineName,
    pipelineRunId: flags.runId,
    pipelineRunUrl: flags.runUrl,
    commit: flags.sourceCommit,
    environment: flags.environment,
    gitCommit: flags.commit,
    message: flags.message,
    printEnv: flags.printEnv,
  };
}

const HELP_AFTER = `
The trace context is always replaced (one stamp = one pipeline run); every other field keeps its value in the
lineage file unless its flag is given, and an empty value ("") removes it.

traceparent, in order: --traceparent, --trace-id-from, env TRACEPARENT (with env TRACESTATE), else a new random
sampled one. The traceparent is printed on stdout so a later step can export it.

Examples:
  argo-otel stamp --app-dir apps/fraud --model-id fraud:v7 --run-id "$RUN_ID" --commit
  echo "$(argo-otel stamp --app-dir apps/fraud --print-env)" >> "$GITHUB_ENV"
  argo-otel stamp --app-dir apps/fraud --trace-id-from "spinnaker:$EXECUTION_ID" --commit`;

/** `deps` is for tests; by default the process env, node:crypto and the process streams are used. */
export function stampCommand(deps: Partial<StampDeps> = {}): Command {
  const io: StampDeps = {
    env: deps.env ?? process.env,
    random: deps.random ?? randomBytes,
    stdout: deps.stdout ?? ((text) => process.stdout.write(text)),
    stderr: deps.stderr ?? ((text) => process.stderr.write(text)),
  };
  return new Command('stamp')
    .description('write the pipeline trace and lineage into a GitOps app directory (.argo-otel/lineage.json), optionally commit with trailers')
    .requiredOption('--app-dir <dir>', 'the app directory inside the GitOps checkout')
    .addOption(new Option('--traceparent <traceparent>', 'W3C traceparent of the pipeline run (default: env TRACEPARENT)').conflicts('traceIdFrom'))
    .option(
      '--trace-id-from <string>',
      'derive the trace id (and parent id) from sha256 of <string>, for CIs such as Spinnaker that have no live trace; the same string always gives the same trace',
    )
    .option('--tracestate <tracestate>', 'W3C tracestate that goes with the traceparent (default: env TRACESTATE with env TRACEPARENT)')
    .option('--model-id <id>', 'model identifier (ml.model.id)')
    .option('--dataset-version <version>', 'dataset version the model was trained on (ml.dataset.version)')
    .option('--pipeline-name <name>', 'pipeline name (cicd.pipeline.name)')
    .option('--run-id <id>', 'pipeline run id (cicd.pipeline.run.id)')
    .option('--run-url <url>', 'pipeline run URL, http(s) (cicd.pipeline.run.url.full)')
    .option('--source-commit <sha>', 'commit the pipeline built (vcs.ref.head.revision)')
    .option('--environment <name>', 'target environment (deployment.environment.name)')
    .option('--commit', 'git add the lineage file and git commit (with anything else staged) with lineage trailers')
    .option('--message <subject>', 'commit subject for --commit')
    .option('--print-env', 'print TRACEPARENT=… (and TRACESTATE=…) lines instead of the bare traceparent')
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: StampFlags) => {
      await runStamp(toOptions(flags), io);
    });
}
