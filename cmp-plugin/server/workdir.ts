// Per-request work directories under one root owned by this server (like argocd-cmp-server's _cmp_server).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Recreates the root empty: anything left there belongs to a previous run of this same listener. */
export async function resetWorkRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true, mode: 0o700 });
}

export async function withWorkdir<T>(root: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(root, 'req-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
