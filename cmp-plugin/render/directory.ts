// A plain directory app: every .yaml/.yml/.json below the app dir, in an order that does not depend on readdir.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { GenerateError, type RenderResult } from '../types.js';
import { parseManifests } from './documents.js';

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
}

/** The file-system edge of rendering, injectable so tests can shuffle listing order or fail reads. */
export interface RenderFs {
  list(dir: string): Promise<DirEntry[]>;
  readText(path: string): Promise<string>;
  /** Resolved real path, to keep symlinks inside the repository. */
  realpath(path: string): Promise<string>;
  /** Kind of a path after following symlinks. */
  kindOf(path: string): Promise<DirEntry['kind']>;
}

export const nodeFs: RenderFs = {
  async list(dir) {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      kind: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other',
    }));
  },
  readText: (path) => readFile(path, 'utf8'),
  realpath: (path) => realpath(path),
  async kindOf(path) {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
  },
};

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

function ioError(path: string, appDir: string, err: unknown): GenerateError {
  const file = relative(appDir, path) || '.';
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' ? 'permission denied' : err instanceof Error ? err.message : String(err);
  const reason = `cannot read ${file}: ${why}`;
  return new GenerateError(reason, { file, reason });
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** Manifest files below appDir as sorted relative paths (code-unit order, `/` separators). */
export async function listManifestFiles(appDir: string, repoRoot: string, fs: RenderFs): Promise<string[]> {
  const found: string[] = [];
  const realRoot = await fs.realpath(repoRoot).catch(() => repoRoot);
  const walk = async (dir: string): Promise<void> => {
    let entries: DirEntry[];
    try {
      entries = await fs.list(dir);
    } catch (err) {
      throw ioError(dir, appDir, err);
    }
    for (const entry of entries) {
      // Dotfiles and dot-dirs (.git, .argo-otel, editor files) are never manifests.
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      let kind = entry.kind;
      if (kind === 'symlink') {
        const target = await fs.realpath(path).catch((err: unknown) => {
          throw ioError(path, appDir, err);
        });
        if (!within(realRoot, target)) {
          const file = relative(appDir, path);
          const reason = `${file} is a symlink to ${target}, outside the repository`;
          throw new GenerateError(reason, { file, reason });
        }
        kind = await fs.kindOf(path).catch((err: unknown) => {
          throw ioError(path, appDir, err);
        });
      }
      if (kind === 'directory') await walk(path);
      else if (kind === 'file' && MANIFEST_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))) {
        found.push(relative(appDir, path).split(sep).join('/'));
      }
    }
  };
  await walk(appDir);
  // Code-unit order: locale-independent, so every machine renders the same order.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// Reads run concurrently (each one waits on the thread pool); parsing stays in file order, so output does not change.
const READ_CONCURRENCY = 16;

export async function renderDirectory(appDir: string, repoRoot: string, fs: RenderFs): Promise<RenderResult> {
  const files = await listManifestFiles(appDir, repoRoot, fs);
  const texts: Array<Promise<string>> = [];
  const read = (i: number): Promise<string> => {
    const path = join(appDir, files[i] as string);
    const text = fs.readText(path).catch((err: unknown) => {
      throw ioError(path, appDir, err);
    });
    // Handled here so a failed read ahead of the parser is not an unhandled rejection; it is rethrown in order below.
    text.catch(() => undefined);
    return text;
  };
  const result: RenderResult = { renderer: 'directory', objects: [], warnings: [] };
  for (let i = 0; i < Math.min(READ_CONCURRENCY, files.length); i++) texts.push(read(i));
  for (let i = 0; i < files.length; i++) {
    if (i + READ_CONCURRENCY < files.length) texts.push(read(i + READ_CONCURRENCY));
    const parsed = parseManifests(await (texts[i] as Promise<string>), files[i] as string);
    result.objects.push(...parsed.objects);
    result.warnings.push(...parsed.warnings);
  }
  return result;
}
