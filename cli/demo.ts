// `argo-otel demo` (npm run demo): the whole thread on an embedded sample — a CI pipeline run stamps a GitOps app,
// the CMP renders it (as a command and as a gRPC server), Argo CD reports the sync, the canary is judged — and
// every component exports to one in-process OTLP receiver, printed at the end as a trace tree. One file per step
// in cli/demo/; this file is the order of things and the cleanup.
import { Command } from 'commander';
import { startOtlpReceiver } from '../telemetry/otlp-receiver.js';
import { startTracing } from '../telemetry/tracing.js';
import { generateKustomizeVariant, generateModeA, generateModeB, reportSync } from './demo/argocd.js';
import { runCanary } from './demo/canary.js';
import { useReceiverInProcess } from './demo/env.js';
import { findPeers } from './demo/peers.js';
import { startPipelineRun, stampGitOpsRepo } from './demo/pipeline.js';
import { DemoSession } from './demo/session.js';
import { printTrace } from './demo/trace.js';

/** Runs the demo; resolves with the exit code. Everything started is stopped and removed before it resolves. */
export async function runDemo(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const began = performance.now();
  const s = await DemoSession.create(out);
  let signalled = false;
  const interrupted = (signal: NodeJS.Signals): void => {
    signalled = true;
    out(`\n${signal}: stopping the demo and cleaning up`);
    s.abort(signal);
    // The step in flight fails once its children are gone; should it wait on something else, stop anyway.
    setTimeout(() => void s.close().finally(() => process.exit(130)), 5_000).unref();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    s.step(1, 'OTLP/gRPC receiver (in-process); every component exports to it via OTEL_EXPORTER_OTLP_ENDPOINT');
    const receiver = await startOtlpReceiver();
    s.defer(() => receiver.close());
    s.fact('endpoint', receiver.endpoint);
    s.fact('work dir', `${s.dir} (removed at exit)`);
    useReceiverInProcess(receiver.endpoint);
    const ci = startTracing({ serviceName: 'ci-pipeline' });
    const repoServer = startTracing({ serviceName: 'argocd-repo-server' });
    s.defer(() => Promise.all([ci.shutdown(), repoServer.shutdown()]).then(() => undefined));
    const peers = findPeers();

    const pipeline = startPipelineRun(s, ci);
    const repo = await stampGitOpsRepo(s, pipeline, receiver.endpoint, peers.kustomize).finally(() => pipeline.end(true));
    const rendered = await generateModeA(s, repo, receiver.endpoint);
    await generateKustomizeVariant(s, repo, receiver, peers.kustomize);
    // The sync operation's own GenerateManifest call is the one that reaches the plugin socket.
    const syncStartedMs = Date.now();
    const cmpServer = await generateModeB(s, repo, receiver.endpoint, repoServer);
    await reportSync(s, cmpServer, repo, pipeline, syncStartedMs);
    await cmpServer.stop();
    await runCanary(s, rendered, peers, receiver.endpoint);

    await Promise.all([ci.shutdown(), repoServer.shutdown()]);
    await printTrace(s, receiver, pipeline, peers.prometheus !== undefined);
    out(`\ndemo finished in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (signalled) return 130;
    out(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await s.close();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run the whole thread on an embedded sample and print the trace as a tree (env ARGO_OTEL_DEMO_PROMETHEUS=off skips Prometheus)')
    .action(async () => {
      process.exitCode = await runDemo();
    });
}
