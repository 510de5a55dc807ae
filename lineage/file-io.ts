// Finding, reading and atomically writing the lineage file.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LINEAGE_FILE } from './names.js';

/** Directories from appDir up to repoRoot (both included), nearest first; just appDir if it is outside repoRoot. */
export function lineageFileCandidates(appDir: string, repoRoot: string): string[] {
  const app = resolve(appDir);
  const root = resolve(repoRoot);
  const rel = relative(root, app);
  if (rel.startsWith('..') || isAbsolute(rel)) return [join(app, LINEAGE_FILE)];
  const dirs = [app];
  for (let dir = app; dir !== root; ) {
    dir = dirname(dir);
    dirs.push(dir);
  }
  return dirs.map((d) => join(d, LINEAGE_FILE));
}

/** The file's text, or undefined when it does not exist. Other errors (permissions, a directory) propagate. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes via a temp file in the same directory, fsync, then rename: readers see the old or the new file, never half. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
