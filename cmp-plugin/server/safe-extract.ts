// Safe extraction of the repo archive the repo-server streams. Two passes over the decompressed tar: first
// every header is checked (paths, link targets, entry types, counts) so a malicious archive is rejected before
// anything is written; then npm `tar` unpacks only what passed. Decompression itself is capped, so a gzip bomb
// fails inside zlib instead of filling memory.
import { realpath } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Parser, Unpack, type ReadEntry } from 'tar';

const gunzipAsync = promisify(gunzip);

export interface ExtractLimits {
  /** Cap on the decompressed tar stream, headers included. */
  maxUncompressedBytes: number;
  /** Cap on entries (files, dirs, links). */
  maxEntries: number;
  /** Cap on uncompressed/compressed once the archive is larger than ratioFloorBytes. */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxUncompressedBytes: 256 * 1024 * 1024,
  maxEntries: 100_000,
  maxCompressionRatio: 200,
  ratioFloorBytes: 4 * 1024 * 1024,
};

export type ArchiveEntryType = 'file' | 'directory' | 'symlink' | 'hardlink';

export interface ArchiveEntry {
  /** Normalised relative path (no leading `./`, no trailing `/`). */
  path: string;
  type: ArchiveEntryType;
  linkpath?: string;
  size: number;
}

export interface InspectedArchive {
  tar: Buffer;
  entries: ArchiveEntry[];
  /** Body of every regular file by path (a later entry for the same path wins, as when unpacking). */
  contents: Map<string, Buffer>;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

function escapes(relative: string): boolean {
  return relative === '..' || relative.startsWith('../');
}

function normaliseEntryPath(raw: string): string {
  if (raw.includes('\0')) throw new ArchiveError(`illegal filepath in archive: ${JSON.stringify(raw)} contains NUL`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.startsWith('\\')) {
    throw new ArchiveError(`illegal filepath in archive: ${JSON.stringify(raw)} is absolute`);
  }
  if (raw.split(/[/\\]/).includes('..')) {
    throw new ArchiveError(`illegal filepath in archive: ${JSON.stringify(raw)} contains ".."`);
  }
  const path = posix.normalize(raw).replace(/\/+$/, '');
  return path === '' ? '.' : path;
}

function checkEntry(entry: ReadEntry, files: Set<string>): ArchiveEntry | undefined {
  const path = normaliseEntryPath(entry.path);
  if (path === '.') {
    if (entry.type !== 'Directory') throw new ArchiveError(`illegal archive root entry of type ${entry.type}`);
    return undefined;
  }
  const size = entry.size ?? 0;
  if (FILE_TYPES.has(entry.type)) {
    files.add(path);
    return { path, type: 'file', size };
  }
  if (entry.type === 'Directory') return { path, type: 'directory', size: 0 };
  if (entry.type === 'SymbolicLink') {
    const target = entry.linkpath ?? '';
    if (target === '' || posix.isAbsolute(target) || escapes(posix.normalize(posix.join(posix.dirname(path), target)))) {
      throw new ArchiveError(`illegal filepath in symlink: ${JSON.stringify(path)} -> ${JSON.stringify(target)}`);
    }
    return { path, type: 'symlink', linkpath: target, size: 0 };
  }
  if (entry.type === 'Link') {
    const raw = entry.linkpath ?? '';
    const target = raw === '' || posix.isAbsolute(raw) || raw.split('/').includes('..') ? undefined : posix.normalize(raw);
    if (target === undefined || !files.has(target)) {
      throw new ArchiveError(
        `illegal hardlink in archive: ${JSON.stringify(path)} -> ${JSON.stringify(raw)} is not a regular file earlier in the archive`,
      );
    }
    return { path, type: 'hardlink', linkpath: target, size: 0 };
  }
  throw new ArchiveError(`illegal entry type in archive: ${JSON.stringify(path)} is a ${entry.type}`);
}

/** Decompresses with a cap and checks every header; writes nothing. */
export async function inspectArchive(tgz: Buffer, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<InspectedArchive> {
  const ratioCap = Math.max(limits.ratioFloorBytes, tgz.length * limits.maxCompressionRatio);
  const cap = Math.min(limits.maxUncompressedBytes, ratioCap);
  let tar: Buffer;
  try {
    tar = await gunzipAsync(tgz, { maxOutputLength: cap });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ArchiveError(
        cap === ratioCap
          ? `archive rejected: compression ratio exceeds ${limits.maxCompressionRatio}:1 (${tgz.length} compressed bytes expand past ${cap})`
          : `archive rejected: uncompressed size exceeds ${limits.maxUncompressedBytes} bytes`,
      );
    }
    throw new ArchiveError(`archive is not valid gzip: ${(err as Error).message}`);
  }
  const entries: ArchiveEntry[] = [];
  const contents = new Map<string, Buffer>();
  const files = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (failed) {
          entry.resume();
          return;
        }
        try {
          const checked = checkEntry(entry, files);
          if (checked?.type === 'file') {
            const chunks: Buffer[] = [];
            entry.on('data', (chunk: Buffer) => chunks.push(chunk));
            entry.on('end', () => contents.set(checked.path, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
          } else {
            entry.resume();
          }
          if (checked) entries.push(checked);
          if (entries.length > limits.maxEntries) {
            throw new ArchiveError(`archive rejected: more than ${limits.maxEntries} entries`);
          }
        } catch (err) {
          failed = true;
          reject(err);
          parser.abort(err as Error);
        }
      },
    });
    parser.on('error', (err: Error) => {
      failed = true;
      reject(err instanceof ArchiveError ? err : new ArchiveError(`archive is not a valid tar: ${err.message}`));
    });
    parser.on('end', () => resolve());
    parser.end(tar);
  });
  return { tar, entries, contents };
}

export interface ExtractOptions {
  /** Keep header modes (minus setuid/setgid/sticky); otherwise 0644 files and 0755 dirs, as argocd-cmp-server. */
  preserveFileMode: boolean;
  /** Entries to leave out (e.g. `.git`). */
  skip?: (path: string) => boolean;
}

/** Unpacks an inspected archive into dest, then proves every symlink resolves inside dest. */
export async function extractArchive(archive: InspectedArchive, dest: string, options: ExtractOptions): Promise<void> {
  const allowed = new Map(archive.entries.map((e) => [e.path, e]));
  const skip = options.skip ?? (() => false);
  await new Promise<void>((resolve, reject) => {
    const unpack = new Unpack({
      cwd: dest,
      strict: true,
      preserveOwner: false,
      filter: (raw: string, entry) => {
        const path = posix.normalize(raw).replace(/\/+$/, '');
        if (path === '.' || path === '') return false;
        if (!allowed.has(path) || skip(path)) return false;
        if ('mode' in entry && typeof entry.mode === 'number') {
          const isDir = (entry as ReadEntry).type === 'Directory';
          (entry as ReadEntry).mode = options.preserveFileMode ? (entry.mode & 0o777) | (isDir ? 0o700 : 0o600) : isDir ? 0o755 : 0o644;
        }
        return true;
      },
    });
    unpack.on('error', (err: Error) => reject(new ArchiveError(`error extracting archive: ${err.message}`)));
    unpack.on('close', () => resolve());
    unpack.end(archive.tar);
  });
  const root = await realpath(dest);
  for (const entry of archive.entries) {
    if (entry.type !== 'symlink' || skip(entry.path)) continue;
    const at = join(dest, entry.path);
    const resolved = await realpath(at).catch((err: NodeJS.ErrnoException) => {
      // Dangling or looping but lexically inside: harmless until read, and then reading fails with a clear error.
      if (err.code === 'ENOENT' || err.code === 'ELOOP') return undefined;
      throw err;
    });
    if (resolved !== undefined && resolved !== root && !resolved.startsWith(root + sep)) {
      throw new ArchiveError(`illegal filepath in symlink: ${JSON.stringify(entry.path)} resolves outside the workdir`);
    }
  }
}
