import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const GOB_PEER = join(REPO, '.cache/bin/gob-peer');

/** Builds the peer if needed (setup step is idempotent) and fails loudly if it cannot be had. */
export function ensurePeer(): string {
  if (!existsSync(GOB_PEER)) {
    execFileSync('bash', [join(REPO, 'test/setup.d/gob.sh')], { env: { ...process.env, REPO }, stdio: 'inherit' });
  }
  if (!existsSync(GOB_PEER)) throw new Error(`gob-peer not built at ${GOB_PEER}: run test/setup.d/gob.sh`);
  return GOB_PEER;
}

export function runPeer(args: string[], input?: string): string {
  return execFileSync(ensurePeer(), args, { encoding: 'utf8', maxBuffer: 512 << 20, input });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
