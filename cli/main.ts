#!/usr/bin/env node
// One CLI, `argo-otel`, with a subcommand per edge. Each subcommand's module is loaded only when it runs, so
// `generate` (a process per manifest generation) never pays for gRPC, yamux or the canary judge.
import { Command } from 'commander';

interface Subcommand {
  summary: string;
  load(): Promise<Command>;
}

const subcommands: Record<string, Subcommand> = {
  stamp: {
    summary: 'pipeline side: stamp a GitOps app with the pipeline trace and lineage (lineage file, commit trailers)',
    load: async () => (await import('../pipeline/cli.js')).stampCommand(),
  },
  generate: {
    summary: 'Argo CD CMP generate: render the app in cwd, inject trace context and MODEL_ID, print manifests',
    load: async () => (await import('../cmp-plugin/cli.js')).generateCommand(),
  },
  'cmp-server': {
    summary: 'Argo CD CMP sidecar: native gRPC server on the plugin socket, health, metrics and sync webhooks',
    load: async () => (await import('../cmp-plugin/server/cli.js')).cmpServerCommand(),
  },
  'rollouts-plugin': {
    summary: 'Argo Rollouts metric plugin, run by the controller (go-plugin net/rpc on stdout handshake)',
    load: async () => (await import('../rollouts-metric-plugin/cli.js')).rolloutsPluginCommand(),
  },
  'rollouts-sidecar': {
    summary: 'Argo Rollouts metric plugin as a long-running sidecar serving many controller sessions',
    load: async () => (await import('../rollouts-metric-plugin/cli.js')).rolloutsSidecarCommand(),
  },
  demo: {
    summary: 'run the whole thread on an embedded sample and print the trace as a tree',
    load: async () => (await import('./demo.js')).demoCommand(),
  },
};

async function main(argv: string[]): Promise<void> {
  const program = new Command('argo-otel')
    .description('One OpenTelemetry trace from a CI pipeline through Argo CD and Argo Rollouts to production.')
    .showHelpAfterError()
    .enablePositionalOptions();
  const requested = argv[2];
  const chosen = requested !== undefined ? subcommands[requested] : undefined;
  if (chosen) {
    program.addCommand(await chosen.load());
  } else {
    for (const [name, sub] of Object.entries(subcommands)) program.command(name).summary(sub.summary);
  }
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`argo-otel: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
