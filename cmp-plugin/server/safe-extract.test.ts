import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maliciousCorpus, rawTgz } from '../../test/cmp-server/malicious-corpus.js';
import { ArchiveError, DEFAULT_EXTRACT_LIMITS, extractArchive, inspectArchive } from './safe-extract.js';

const limits = { ...DEFAULT_EXTRACT_LIMITS, maxEntries: 500 };

describe('safe extraction', () => {
  let base: string;
  let dest: string;
  let outside: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'safe-extract-'));
    dest = join(base, 'a', 'b', 'c', 'work');
    outside = join(base, 'outside');
    await import('node:fs/promises').then((fs) => Promise.all([fs.mkdir(dest, { recursive: true }), fs.mkdir(outside)]));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('unpacks files, dirs, inside symlinks and hardlinks with argocd-cmp-server modes', async () => {
    const tgz = rawTgz([
      { path: '.', type: 'Directory' },
      { path: 'app', type: 'Directory', mode: 0o700 },
      { path: 'app/run.sh', type: 'File', body: '#!/bin/sh\n', mode: 0o4755 },
      { path: 'app/link', type: 'SymbolicLink', linkpath: 'run.sh' },
      { path: 'app/hard', type: 'Link', linkpath: 'app/run.sh' },
    ]);
    const archive = await inspectArchive(tgz, limits);
    expect(archive.entries.map((e) => `${e.type}:${e.path}`)).toEqual(['directory:app', 'file:app/run.sh', 'symlink:app/link', 'hardlink:app/hard']);
    await extractArchive(archive, dest, { preserveFileMode: false });
    expect(await readFile(join(dest, 'app/hard'), 'utf8')).toBe('#!/bin/sh\n');
    expect(await readlink(join(dest, 'app/link'))).toBe('run.sh');
    expect((await stat(join(dest, 'app/run.sh'))).mode & 0o7777).toBe(0o644);
    expect((await stat(join(dest, 'app'))).mode & 0o7777).toBe(0o755);
  });

  it('keeps header modes minus setuid when asked, and skips what the caller excludes', async () => {
    const tgz = rawTgz([
      { path: '.', type: 'Directory' },
      { path: 'run.sh', type: 'File', body: 'x', mode: 0o4755 },
      { path: '.git', type: 'Directory' },
      { path: '.git/HEAD', type: 'File', body: 'ref: refs/heads/main\n' },
    ]);
    await extractArchive(await inspectArchive(tgz, limits), dest, { preserveFileMode: true, skip: (p) => p === '.git' || p.startsWith('.git/') });
    expect((await stat(join(dest, 'run.sh'))).mode & 0o7777).toBe(0o755);
    expect(await readdir(dest)).toEqual(['run.sh']);
  });

  it('rejects garbage that is not gzip, and gzip that is not tar', async () => {
    await expect(inspectArchive(Buffer.from('not gzip'), limits)).rejects.toThrow(/not valid gzip/);
    const { gzipSync } = await import('node:zlib');
    await expect(inspectArchive(gzipSync(Buffer.alloc(700, 7)), limits)).rejects.toThrow(ArchiveError);
  });

  it('rejects an archive over the uncompressed cap', async () => {
    const tgz = rawTgz([{ path: '.', type: 'Directory' }, { path: 'big', type: 'File', body: Buffer.alloc(200_000, 1) }]);
    await expect(inspectArchive(tgz, { ...limits, maxUncompressedBytes: 100_000 })).rejects.toThrow(/uncompressed size exceeds 100000/);
  });

  for (const c of maliciousCorpus('/etc', limits.maxEntries)) {
    it(`rejects: ${c.name}`, async () => {
      const run = async () => extractArchive(await inspectArchive(c.tgz(), limits), dest, { preserveFileMode: false });
      await expect(run()).rejects.toThrow(c.expect);
      expect(await readdir(outside)).toEqual([]);
      expect(await readdir(join(base, 'a', 'b', 'c'))).toEqual(['work']);
    });
  }
});
