// Real peers for the cmp-generate tests, built by test/setup.d/render-tools.sh into .cache/bin. A missing peer is a
// loud failure with the command that builds it, never a skip.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const BIN = join(REPO, '.cache', 'bin');
const run = promisify(execFile);

export function peerBinary(name: string): string {
  const path = join(BIN, name);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`REPO=${REPO} bash test/setup.d/render-tools.sh\` (or test/setup.sh) first`);
  }
  return path;
}

export type PeerResult = { json: string; error?: undefined } | { json?: undefined; error: string };

async function yamlToJsonPeer(mode: 'docs' | 'stream', input: string): Promise<PeerResult[]> {
  const child = run(peerBinary('yamltojson'), [mode], { maxBuffer: 256 * 1024 * 1024 });
  child.child.stdin?.end(input);
  const { stdout } = await child;
  return JSON.parse(stdout) as PeerResult[];
}

/** sigs.k8s.io/yaml YAMLToJSON (go-yaml v2) on each document. */
export function goYamlToJson(documents: readonly string[]): Promise<PeerResult[]> {
  return yamlToJsonPeer('docs', JSON.stringify(documents));
}

/** The same on a `---`-separated stream, split as argocd-cmp-server splits plugin output. */
export function goYamlStreamToJson(stream: string): Promise<PeerResult[]> {
  return yamlToJsonPeer('stream', stream);
}
