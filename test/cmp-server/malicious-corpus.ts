// Hand-built hostile archives: tar writers refuse to produce most of these, so headers are encoded directly.
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import type { EntryTypeName } from 'tar/types';

interface RawEntry {
  path: string;
  type: EntryTypeName;
  body?: Buffer | string;
  linkpath?: string;
  mode?: number;
}

export function rawTar(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.body === undefined ? Buffer.alloc(0) : Buffer.from(e.body);
    const header = new Header({
      path: e.path,
      type: e.type,
      size: body.length,
      mode: e.mode ?? (e.type === 'Directory' ? 0o755 : 0o644),
      linkpath: e.linkpath,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, body);
    const pad = (512 - (body.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export const rawTgz = (entries: readonly RawEntry[]): Buffer => gzipSync(rawTar(entries));

const root: RawEntry = { path: '.', type: 'Directory' };
const app: RawEntry = { path: 'app', type: 'Directory' };
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n';

export interface MaliciousCase {
  name: string;
  tgz: () => Buffer;
  /** A fragment the error message must contain. */
  expect: RegExp;
}

/** Names an outside path the archive tries to reach; tests check it never appears. */
export function maliciousCorpus(outside: string, maxEntries: number): MaliciousCase[] {
  const rel = '../../../../../../../..' + outside;
  return [
    { name: 'dot-dot traversal', tgz: () => rawTgz([root, app, { path: `app/${rel}/evil.txt`, type: 'File', body: 'x' }]), expect: /contains "\.\."/ },
    { name: 'leading dot-dot', tgz: () => rawTgz([root, { path: '../evil.txt', type: 'File', body: 'x' }]), expect: /contains "\.\."/ },
    { name: 'absolute path', tgz: () => rawTgz([root, { path: `${outside}/abs.txt`, type: 'File', body: 'x' }]), expect: /is absolute/ },
    { name: 'symlink to absolute outside', tgz: () => rawTgz([root, app, { path: 'app/link', type: 'SymbolicLink', linkpath: outside }]), expect: /illegal filepath in symlink/ },
    { name: 'symlink climbing out', tgz: () => rawTgz([root, app, { path: 'app/link', type: 'SymbolicLink', linkpath: '../../..' + outside }]), expect: /illegal filepath in symlink/ },
    {
      name: 'symlink then write through it',
      tgz: () => rawTgz([root, app, { path: 'app/d', type: 'SymbolicLink', linkpath: outside }, { path: 'app/d/through.txt', type: 'File', body: 'x' }]),
      expect: /illegal filepath in symlink/,
    },
    {
      // Lexically inside, physically outside: x -> . makes x/x/x/x the root, so four `..` climb above it.
      name: 'symlink chain escape',
      tgz: () => rawTgz([root, { path: 'x', type: 'SymbolicLink', linkpath: '.' }, { path: 'y', type: 'SymbolicLink', linkpath: 'x/x/x/x/../../../..' }]),
      expect: /illegal filepath in symlink/,
    },
    { name: 'hardlink to absolute outside', tgz: () => rawTgz([root, { path: 'h', type: 'Link', linkpath: `${outside}/passwd` }]), expect: /illegal hardlink/ },
    { name: 'hardlink climbing out', tgz: () => rawTgz([root, { path: 'h', type: 'Link', linkpath: '../../etc/passwd' }]), expect: /illegal hardlink/ },
    { name: 'character device', tgz: () => rawTgz([root, { path: 'null', type: 'CharacterDevice' }]), expect: /CharacterDevice/ },
    { name: 'block device', tgz: () => rawTgz([root, { path: 'sda', type: 'BlockDevice' }]), expect: /BlockDevice/ },
    { name: 'fifo', tgz: () => rawTgz([root, { path: 'pipe', type: 'FIFO' }]), expect: /FIFO/ },
    {
      name: 'gzip bomb',
      // 64 MiB of zeros in one file compresses to ~64 KiB: a ratio near 1000:1.
      tgz: () => rawTgz([root, { path: 'zeros', type: 'File', body: Buffer.alloc(64 * 1024 * 1024) }]),
      expect: /compression ratio exceeds/,
    },
    {
      name: 'too many files',
      tgz: () => rawTgz([root, ...Array.from({ length: maxEntries + 1 }, (_, i): RawEntry => ({ path: `f${i}`, type: 'File' }))]),
      expect: new RegExp(`more than ${maxEntries} entries`),
    },
    { name: 'file before a good manifest', tgz: () => rawTgz([root, app, { path: 'app/cm.yaml', type: 'File', body: cm }, { path: 'app/../../x', type: 'File', body: 'x' }]), expect: /contains "\.\."/ },
  ];
}
