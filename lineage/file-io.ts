// Finding, reading and atomically writing the lineage file.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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

/** A lineage file is a few hundred bytes; anything near this is a mistake, not data to load into memory. */
export const MAX_LINEAGE_FILE_BYTES = 64 * 1024;

/** Refuses a lineage file of `size` bytes over `maxBytes`, with the one message every reader gives. */
export function checkLineageFileSize(size: number, maxBytes = MAX_LINEAGE_FILE_BYTES): void {
  if (size > maxBytes) throw new Error(`it is ${size} bytes, more than the ${maxBytes} a lineage file may have`);
}

/**
 * The file's text, or undefined when it does not exist. A file over `maxBytes` is an error (read no further);
 * other errors (permissions, a directory) propagate.
 */
export async function readTextIfExists(path: string, maxBytes = MAX_LINEAGE_FILE_BYTES): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    checkLineageFileSize(size, maxBytes);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
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
