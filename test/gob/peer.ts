import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const GOB_PEER = join(REPO, '.cache/bin/gob-peer');

let ensured = false;

/**
 * Runs the setup step once per test process (it rebuilds only when the Go source changed, so a stale binary is
 * never used) and fails loudly if the peer cannot be had.
 */
export function ensurePeer(): string {
  if (!ensured) {
    execFileSync('bash', [join(REPO, 'test/setup.d/gob.sh')], { env: { ...process.env, REPO }, stdio: 'inherit' });
    ensured = true;
  }
  if (!existsSync(GOB_PEER)) throw new Error(`gob-peer not built at ${GOB_PEER}: run test/setup.d/gob.sh`);
  return GOB_PEER;
}

export function runPeer(args: string[], input?: string): string {
  return execFileSync(ensurePeer(), args, { encoding: 'utf8', maxBuffer: 512 << 20, input });
}

const created: string[] = [];

/** A fresh temp dir, removed by removeTempDirs (call it from afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
