// A small TypeScript stand-in for the repo-server's CMP client (argo-cd util/cmp.SendRepoStream): tar + gzip of
// the repo with the root entry `.` first and a lexical walk, sha256 over the gzip bytes, metadata first, then
// 1024-byte chunks. The Go harness drives the real client code; this one keeps the fast tests fast.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { credentials, makeClientConstructor, Metadata, type ServiceError, type Client } from '@grpc/grpc-js';
import { create } from 'tar';
import { pluginServiceDefinition, type AppStreamRequest, type EnvEntry } from '../../cmp-plugin/server/protocol.js';

export const DEFAULT_CHUNK_SIZE = 1024;

/** filepath.Walk order: each directory's entries sorted by name, directories descended in place. */
export function lexicalWalk(root: string): string[] {
  const out: string[] = ['.'];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      out.push(relative(root, path));
      if (entry.isDirectory()) visit(path);
    }
  };
  visit(root);
  return out;
}

export async function tgzOfRepo(root: string, exclude: (rel: string) => boolean = () => false): Promise<Buffer> {
  const entries = lexicalWalk(root).filter((p) => p === '.' || !exclude(p));
  const chunks: Buffer[] = [];
  const stream = create({ cwd: root, noDirRecurse: true, portable: true, follow: false }, entries);
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return gzipSync(Buffer.concat(chunks));
}

export interface StreamRequest {
  appRelPath: string;
  env: Record<string, string>;
  tgz: Buffer;
  /** Override the checksum sent in metadata (to test mismatches). */
  checksum?: string;
  chunkSize?: number;
  /** Stop after this many bytes of the archive (a truncated stream). */
  truncateAt?: number;
  /** Skip the metadata message entirely. */
  omitMetadata?: boolean;
  deadline?: Date;
  traceparent?: string;
  /** Awaited after the last message and before half-close, to hold a call in flight. */
  beforeEnd?: () => Promise<void>;
}

export function streamMessages(req: StreamRequest): AppStreamRequest[] {
  const checksum = req.checksum ?? createHash('sha256').update(req.tgz).digest('hex');
  const env: EnvEntry[] = Object.entries(req.env).map(([name, value]) => ({ name, value }));
  const parts = req.appRelPath.split('/').filter(Boolean);
  const messages: AppStreamRequest[] = [];
  if (!req.omitMetadata) {
    messages.push({ metadata: { appName: parts.at(-1) ?? '.', appRelPath: req.appRelPath, checksum, size: req.tgz.length, env } });
  }
  const body = req.truncateAt === undefined ? req.tgz : req.tgz.subarray(0, req.truncateAt);
  const size = req.chunkSize ?? DEFAULT_CHUNK_SIZE;
  for (let i = 0; i < body.length; i += size) messages.push({ file: { chunk: body.subarray(i, i + size) } });
  return messages;
}

type StreamMethod = 'GenerateManifest' | 'MatchRepository' | 'GetParametersAnnouncement';

export class CmpClient {
  private readonly client: Client & Record<string, (...args: unknown[]) => unknown>;

  constructor(socketPath: string) {
    const Ctor = makeClientConstructor(pluginServiceDefinition(), 'ConfigManagementPluginService');
    this.client = new Ctor(`unix://${socketPath}`, credentials.createInsecure(), {
      'grpc.max_receive_message_length': 100 * 1024 * 1024,
    }) as unknown as Client & Record<string, (...args: unknown[]) => unknown>;
  }

  stream<T>(method: StreamMethod, req: StreamRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const md = new Metadata();
      if (req.traceparent) md.set('traceparent', req.traceparent);
      const options = req.deadline ? { deadline: req.deadline } : {};
      const call = this.client[method]!(md, options, (err: ServiceError | null, res: T) => (err ? reject(err) : resolve(res))) as {
        write(m: AppStreamRequest): boolean;
        end(): void;
      };
      for (const m of streamMessages(req)) call.write(m);
      if (req.beforeEnd) req.beforeEnd().then(() => call.end(), reject);
      else call.end();
    });
  }

  generate(req: StreamRequest): Promise<{ manifests: string[] }> {
    return this.stream('GenerateManifest', req);
  }

  checkPluginConfiguration(): Promise<{ isDiscoveryConfigured: boolean; provideGitCreds: boolean }> {
    return new Promise((resolve, reject) =>
      this.client['CheckPluginConfiguration']!({}, (err: ServiceError | null, res: { isDiscoveryConfigured: boolean; provideGitCreds: boolean }) =>
        err ? reject(err) : resolve(res),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
