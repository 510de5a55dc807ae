// ArchiveFiles must answer exactly what the unpacked tree answers: every question is asked of both.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maliciousCorpus, rawTgz } from '../../test/cmp-server/malicious-corpus.js';
import { nodeLineageFiles, readLineage } from '../../lineage/carriers.js';
import { listManifestFiles, nodeFs, renderDirectory } from '../render/directory.js';
import { ArchiveFiles } from './archive-files.js';
import { DEFAULT_EXTRACT_LIMITS, extractArchive, inspectArchive, type InspectedArchive } from './safe-extract.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

// Every shape a repository can take that safe-extract lets through.
const TREE = rawTgz([
  { path: '.', type: 'Directory' },
  { path: 'app', type: 'Directory' },
  { path: 'app/a.yaml', type: 'File', body: cm('a') },
  { path: 'app/B.yml', type: 'File', body: cm('b') },
  { path: 'app/c.json', type: 'File', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }) },
  { path: 'app/notes.txt', type: 'File', body: 'not a manifest' },
  { path: 'app/.hidden.yaml', type: 'File', body: cm('hidden') },
  // No directory entry for app/deep/er: it exists because a file is below it.
  { path: 'app/deep/er/d.yaml', type: 'File', body: cm('d') },
  { path: 'app/link-file.yaml', type: 'SymbolicLink', linkpath: 'a.yaml' },
  { path: 'app/link-dir', type: 'SymbolicLink', linkpath: '../shared' },
  // npm tar refuses a link to a link once the target exists, but not before: the chain is made backwards.
  { path: 'app/chain.yaml', type: 'SymbolicLink', linkpath: 'link2.yaml' },
  { path: 'app/link2.yaml', type: 'SymbolicLink', linkpath: 'a.yaml' },
  { path: 'app/dangling.yaml', type: 'SymbolicLink', linkpath: 'missing.yaml' },
  { path: 'app/hard.yaml', type: 'Link', linkpath: 'app/a.yaml' },
  { path: 'app/self', type: 'SymbolicLink', linkpath: 'self' },
  { path: 'app/up', type: 'SymbolicLink', linkpath: '..' },
  { path: 'app/empty.yaml', type: 'File', body: '' },
  { path: 'app/unicode-ü.yaml', type: 'File', body: cm('unicode') },
  { path: 'shared', type: 'Directory' },
  { path: 'shared/s.yaml', type: 'File', body: cm('s') },
  { path: 'shared/dup.yaml', type: 'File', body: cm('first') },
  // A later entry for the same path wins, as when unpacking.
  { path: 'shared/dup.yaml', type: 'File', body: cm('second') },
  { path: '.argo-otel', type: 'Directory' },
  { path: '.argo-otel/lineage.json', type: 'File', body: JSON.stringify({ schema: 'argo-otel.io/lineage/v1', modelId: 'm-7' }) },
  { path: '.git', type: 'Directory' },
  { path: '.git/HEAD', type: 'File', body: 'ref: refs/heads/main\n' },
]);

const isGit = (p: string) => p === '.git' || p.startsWith('.git/');

describe('ArchiveFiles answers what the unpacked tree answers', () => {
  let base: string;
  let disk: string;
  let archive: InspectedArchive;
  let mem: ArchiveFiles;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'archive-files-'));
    disk = join(base, 'unpacked');
    archive = await inspectArchive(TREE, DEFAULT_EXTRACT_LIMITS);
    await import('node:fs/promises').then((fs) => fs.mkdir(disk));
    await extractArchive(archive, disk, { preserveFileMode: false, skip: isGit });
    // Never created: every answer must come from the archive.
    mem = new ArchiveFiles(join(base, 'in-place'), archive, isGit);
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  /** Runs one question on both sides, with the root swapped in paths and messages so they compare. */
  async function both<T>(ask: (fs: typeof nodeFs & typeof nodeLineageFiles, root: string) => Promise<T>) {
    const settle = (p: Promise<T>, root: string) =>
      p.then(
        (value) => ({ value: JSON.parse(JSON.stringify(value ?? null).replaceAll(root, '<root>')) as unknown }),
        (err: NodeJS.ErrnoException) => ({ error: err.code ?? err.message.replaceAll(root, '<root>') }),
      );
    const onDisk = await settle(ask({ ...nodeFs, ...nodeLineageFiles }, disk), disk);
    const inPlace = await settle(ask(mem, mem.root), mem.root);
    return { onDisk, inPlace };
  }

  const paths = [
    '', 'app', 'app/a.yaml', 'app/link-file.yaml', 'app/chain.yaml', 'app/link-dir', 'app/link-dir/s.yaml',
    'app/dangling.yaml', 'app/hard.yaml', 'app/self', 'app/self/x', 'app/up', 'app/link2.yaml', 'app/up/shared/dup.yaml', 'app/deep', 'app/deep/er',
    'app/a.yaml/x', 'app/nope', 'shared/dup.yaml', 'app/empty.yaml', 'app/unicode-ü.yaml', '.git', '.git/HEAD',
    '.argo-otel/lineage.json', 'app/../shared/s.yaml',
  ];

  it.each(paths)('list, readText, realpath, kindOf, exists, readTextIfExists: %s', async (rel) => {
    type Ask = (fs: typeof nodeFs & typeof nodeLineageFiles, root: string) => Promise<unknown>;
    const asks: Ask[] = [
      (fs: typeof nodeFs, root: string) => fs.list(join(root, rel)).then((l) => l.sort((a, b) => (a.name < b.name ? -1 : 1))),
      (fs: typeof nodeFs, root: string) => fs.readText(join(root, rel)),
      (fs: typeof nodeFs, root: string) => fs.realpath(join(root, rel)),
      (fs: typeof nodeFs, root: string) => fs.kindOf(join(root, rel)),
      (fs: typeof nodeLineageFiles, root: string) => fs.exists(join(root, rel)),
      (fs: typeof nodeLineageFiles, root: string) => fs.readTextIfExists(join(root, rel)),
    ];
    for (const ask of asks) {
      const { onDisk, inPlace } = await both((fs, root) => ask(fs, root));
      expect(inPlace, `${ask.toString().slice(0, 60)} on ${rel}`).toEqual(onDisk);
    }
  });

  it('lists and renders the same manifests (symlinked dirs, hardlinks, dotfiles skipped, code-unit order)', async () => {
    const listed = await both((fs, root) => listManifestFiles(join(root, 'shared'), root, fs));
    expect(listed.inPlace).toEqual(listed.onDisk);
    const rendered = await both((fs, root) => renderDirectory(join(root, 'shared'), root, fs));
    expect(rendered.inPlace).toEqual(rendered.onDisk);
    expect((rendered.onDisk as { value: { objects: unknown[] } }).value.objects).toHaveLength(2);
    // The app dir holds a dangling symlink and a self-loop: both sides fail the same way.
    const broken = await both((fs, root) => renderDirectory(join(root, 'app'), root, fs));
    expect(broken.inPlace).toEqual(broken.onDisk);
    expect(broken.onDisk).toHaveProperty('error');
  });

  it('reads the same lineage (lineage file found above the app, no .git once it is skipped)', async () => {
    const env = { ARGOCD_ENV_TRACEPARENT: TRACEPARENT };
    const read = await both((fs, root) => readLineage({ appDir: join(root, 'shared'), repoRoot: root, env }, fs));
    expect(read.inPlace).toEqual(read.onDisk);
    expect(JSON.stringify(read.onDisk)).toContain('m-7');
  });

  it('finds symlinks that only escape once other symlinks are followed, as realpath on the unpacked tree does', async () => {
    const escaping = await inspectArchive(
      rawTgz([
        { path: '.', type: 'Directory' },
        { path: 'sub', type: 'Directory' },
        { path: 'sub/up', type: 'SymbolicLink', linkpath: '..' },
        { path: 'sub/up2', type: 'SymbolicLink', linkpath: 'up/..' },
      ]),
      DEFAULT_EXTRACT_LIMITS,
    );
    const files = new ArchiveFiles(join(base, 'escaping'), escaping);
    expect(files.escapingSymlinks()).toEqual(['sub/up2']);
    const dest = join(base, 'escaping-disk');
    await import('node:fs/promises').then((fs) => fs.mkdir(dest));
    await expect(extractArchive(escaping, dest, { preserveFileMode: false })).rejects.toThrow(/"sub\/up2" resolves outside the workdir/);
  });

  it.each([
    ['a link to an existing link', [{ path: 'a', type: 'File', body: 'x' }, { path: 'l1', type: 'SymbolicLink', linkpath: 'a' }, { path: 'l2', type: 'SymbolicLink', linkpath: 'l1' }]],
    ['a file below a symlinked dir', [{ path: 'd', type: 'Directory' }, { path: 'l', type: 'SymbolicLink', linkpath: 'd' }, { path: 'l/f', type: 'File', body: 'x' }]],
    ['a file below a file', [{ path: 'f', type: 'File', body: 'x' }, { path: 'f/g', type: 'File', body: 'y' }]],
    ['a file over a non-empty dir', [{ path: 'd/f', type: 'File', body: 'x' }, { path: 'd', type: 'File', body: 'y' }]],
  ] as const)('refuses what unpacking refuses: %s', async (_name, entries) => {
    const tgz = rawTgz([{ path: '.', type: 'Directory' }, ...entries]);
    const archive = await inspectArchive(tgz, DEFAULT_EXTRACT_LIMITS);
    const dest = await mkdtemp(join(base, 'refuse-'));
    const onDisk = await extractArchive(archive, dest, { preserveFileMode: false }).then(() => 'accepted', (e: Error) => e.message.replaceAll(dest, '<root>'));
    const root = join(base, 'never');
    let inPlace: string;
    try {
      new ArchiveFiles(root, archive);
      inPlace = 'accepted';
    } catch (e) {
      inPlace = (e as Error).message.replaceAll(root, '<root>');
    }
    expect(onDisk).not.toBe('accepted');
    expect(inPlace).toBe(onDisk);
  });

  it('every archive of the malicious corpus is refused before ArchiveFiles could see it', async () => {
    const outcomes = await Promise.all(
      maliciousCorpus('/etc', 500).map((c) =>
        inspectArchive(c.tgz(), { ...DEFAULT_EXTRACT_LIMITS, maxEntries: 500 }).then(
          (a) => (new ArchiveFiles('/nowhere', a).escapingSymlinks().length > 0 ? 'refused' : `${c.name}: accepted`),
          () => 'refused',
        ),
      ),
    );
    expect(outcomes.filter((o) => o !== 'refused')).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(10);
  });
});
