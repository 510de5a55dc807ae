// A checked repository archive read in place: the RenderFs and LineageFiles edges over the tar the repo-server
// streamed, so a plain-directory app renders without unpacking a single file. It answers exactly what the unpacked
// tree would (symlinks followed inside the tree, hardlinks as files, Node-style errors), under a virtual root
// that is never created on disk.
import { posix } from 'node:path';
import { checkLineageFileSize } from '../../lineage/file-io.js';
import type { DirEntry } from '../render/directory.js';
import type { RepoFiles } from '../types.js';
import { ArchiveError, type ArchiveEntry, type InspectedArchive } from './safe-extract.js';

// Linux's own limit on symlinks followed while resolving one path.
const MAX_SYMLINKS = 40;

type Node =
  | { kind: 'directory'; children: Map<string, Node> }
  | { kind: 'file'; path: string }
  | { kind: 'symlink'; target: string };

function fsError(code: 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'ELOOP', syscall: string, path: string): NodeJS.ErrnoException {
  const text = {
    ENOENT: 'no such file or directory',
    ENOTDIR: 'not a directory',
    EISDIR: 'illegal operation on a directory',
    ELOOP: 'too many symbolic links encountered',
  }[code];
  const err: NodeJS.ErrnoException = new Error(`${code}: ${text}, ${syscall} '${path}'`);
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export class ArchiveFiles implements RepoFiles {
  private readonly tree: Node = { kind: 'directory', children: new Map() };

  /**
   * `root` is the absolute path the archive stands for; `skip` leaves entries out, as unpacking would (`.git`).
   * Only archives that passed inspectArchive are accepted, so every path is normalised and relative. Throws
   * ArchiveError where unpacking would fail.
   */
  constructor(
    readonly root: string,
    private readonly archive: InspectedArchive,
    skip: (path: string) => boolean = () => false,
  ) {
    for (const entry of archive.entries) if (!skip(entry.path)) this.add(entry);
  }

  // Refuses what npm tar refuses while unpacking (so both modes accept the same archives): creating anything
  // below a symlink or a file, a link whose target path passes through a symlink, a file over a non-empty dir.
  private add(entry: ArchiveEntry): void {
    const parts = entry.path.split('/');
    let dir = this.tree as Extract<Node, { kind: 'directory' }>;
    for (const [i, part] of parts.slice(0, -1).entries()) {
      let next = dir.children.get(part);
      if (next === undefined) {
        next = { kind: 'directory', children: new Map() };
        dir.children.set(part, next);
      } else if (next.kind === 'symlink') {
        throw new ArchiveError('error extracting archive: TAR_SYMLINK_ERROR: Cannot extract through symbolic link');
      } else if (next.kind === 'file') {
        const at = posix.join(this.root, ...parts.slice(0, i + 1));
        throw new ArchiveError(`error extracting archive: EEXIST: file already exists, mkdir '${at}'`);
      }
      dir = next;
    }
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      const target = entry.type === 'symlink' ? posix.join(posix.dirname(entry.path), entry.linkpath ?? '') : (entry.linkpath ?? '');
      let at: Node | undefined = this.tree;
      for (const part of posix.normalize(target).split('/')) {
        if (part === '.' || part === '') continue;
        at = at.kind === 'directory' ? at.children.get(part) : undefined;
        if (at === undefined || at.kind === 'file') break;
        if (at.kind === 'symlink') {
          throw new ArchiveError('error extracting archive: TAR_SYMLINK_ERROR: Cannot extract through symbolic link');
        }
      }
    }
    const name = parts[parts.length - 1] as string;
    const existing = dir.children.get(name);
    if (existing?.kind === 'directory') {
      if (entry.type === 'directory') return;
      if (existing.children.size > 0) {
        throw new ArchiveError(`error extracting archive: ENOTEMPTY: directory not empty, rmdir '${posix.join(this.root, entry.path)}'`);
      }
    }
    const node: Node =
      entry.type === 'directory'
        ? { kind: 'directory', children: new Map() }
        : entry.type === 'symlink'
          ? { kind: 'symlink', target: entry.linkpath ?? '' }
          : { kind: 'file', path: entry.type === 'hardlink' ? (entry.linkpath ?? entry.path) : entry.path };
    dir.children.set(name, node);
  }

  /** Path relative to root with `/` separators, or undefined when it is not below root. */
  private relative(path: string): string[] | undefined {
    const rel = posix.relative(this.root, posix.resolve(path));
    if (rel === '') return [];
    if (rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel)) return undefined;
    return rel.split('/');
  }

  /**
   * Walks `path` like the kernel: symlinks in the middle are always followed, the last one only with `followLast`.
   * Returns the node and its real path, or an error code. Leaving the root through `..` yields `outside` with the
   * host path it names, as realpath on the unpacked tree would.
   */
  private walk(
    path: string,
    followLast: boolean,
  ): { node: Node; real: string[] } | { error: 'ENOENT' | 'ENOTDIR' | 'ELOOP' } | { outside: string } {
    const start = this.relative(path);
    if (start === undefined) return { outside: posix.resolve(path) };
    const pending = [...start];
    const real: string[] = [];
    const nodes: Node[] = [this.tree];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (real.length === 0) return { outside: posix.resolve(this.root, '..', ...pending) };
        real.pop();
        nodes.pop();
        continue;
      }
      const dir = nodes[nodes.length - 1] as Node;
      if (dir.kind !== 'directory') return { error: 'ENOTDIR' };
      const node = dir.children.get(part);
      if (!node) return { error: 'ENOENT' };
      if (node.kind === 'symlink' && (followLast || pending.length > 0)) {
        if (++links > MAX_SYMLINKS) return { error: 'ELOOP' };
        const target = node.target.split('/');
        if (posix.isAbsolute(node.target)) return { outside: node.target };
        pending.unshift(...target);
        continue;
      }
      real.push(part);
      nodes.push(node);
    }
    return { node: nodes[nodes.length - 1] as Node, real };
  }

  private resolve(path: string, syscall: string, followLast = true): { node: Node; real: string[] } {
    const found = this.walk(path, followLast);
    if ('error' in found) throw fsError(found.error, syscall, path);
    // The unpacked tree would point outside the workdir here; safe-extract refuses such archives before this.
    if ('outside' in found) throw fsError('ENOENT', syscall, path);
    return found;
  }

  async list(dir: string): Promise<DirEntry[]> {
    const { node } = this.resolve(dir, 'scandir');
    if (node.kind !== 'directory') throw fsError('ENOTDIR', 'scandir', dir);
    return [...node.children].map(([name, child]) => ({ name, kind: child.kind }));
  }

  private bytes(path: string, syscall: string): Buffer {
    const { node } = this.resolve(path, syscall);
    if (node.kind === 'directory') throw fsError('EISDIR', 'read', path);
    if (node.kind !== 'file') throw fsError('ENOENT', syscall, path);
    return this.archive.contents.get(node.path) ?? Buffer.alloc(0);
  }

  async readText(path: string): Promise<string> {
    return this.bytes(path, 'open').toString('utf8');
  }

  async realpath(path: string): Promise<string> {
    const found = this.walk(path, true);
    if ('error' in found) throw fsError(found.error, 'realpath', path);
    if ('outside' in found) return found.outside;
    return posix.join(this.root, ...found.real);
  }

  async kindOf(path: string): Promise<DirEntry['kind']> {
    const { node } = this.resolve(path, 'stat');
    return node.kind === 'symlink' ? 'other' : node.kind;
  }

  async exists(path: string): Promise<boolean> {
    const found = this.walk(path, true);
    return 'node' in found;
  }

  async readTextIfExists(path: string): Promise<string | undefined> {
    const found = this.walk(path, true);
    if (('error' in found && found.error === 'ENOENT') || 'outside' in found) return undefined;
    const bytes = this.bytes(path, 'open');
    checkLineageFileSize(bytes.length);
    return bytes.toString('utf8');
  }

  /** Refuses the archive, as unpacking does, when a symlink resolves outside the root once followed. */
  assertSymlinksInside(): void {
    const escaping = this.escapingSymlinks()[0];
    if (escaping !== undefined) {
      throw new ArchiveError(`illegal filepath in symlink: ${JSON.stringify(escaping)} resolves outside the workdir`);
    }
  }

  /** Every symlink (not skipped) whose target, followed through the tree, leaves the root. */
  escapingSymlinks(): string[] {
    const out: string[] = [];
    const visit = (node: Node, at: string[]): void => {
      if (node.kind !== 'directory') return;
      for (const [name, child] of node.children) {
        const path = [...at, name];
        if (child.kind === 'symlink' && 'outside' in this.walk(posix.join(this.root, ...path), true)) out.push(path.join('/'));
        visit(child, path);
      }
    };
    visit(this.tree, []);
    return out;
  }
}
