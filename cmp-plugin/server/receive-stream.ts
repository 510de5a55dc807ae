// Reads one CMP client stream (metadata, then .tar.gz chunks) to the end and verifies it, the way
// argo-cd's cmp.ReceiveRepoStream does, with a cap on the compressed size.
import { createHash } from 'node:crypto';
import type { AppStreamRequest, ManifestRequestMetadata } from './protocol.js';

export interface ReceivedRepo {
  metadata: ManifestRequestMetadata;
  tgz: Buffer;
}

export class StreamError extends Error {
  override name = 'StreamError';
}

/**
 * Always consumes the stream to EOF, even after an error: if the server replied early, the repo-server's next
 * Send would fail with a bare "EOF" and the user would never see our status message.
 */
export async function receiveRepoStream(
  stream: AsyncIterable<AppStreamRequest>,
  limits: { maxCompressedBytes: number },
): Promise<ReceivedRepo> {
  let metadata: ManifestRequestMetadata | undefined;
  let failure: StreamError | undefined;
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let received = 0;
  let first = true;
  for await (const message of stream) {
    if (failure) continue;
    if (first) {
      first = false;
      if (!message.metadata) failure = new StreamError('error getting stream metadata: metadata is nil');
      else metadata = message.metadata;
      continue;
    }
    const chunk = message.file?.chunk;
    if (!chunk) {
      failure = new StreamError('error receiving stream: stream request file is nil');
      continue;
    }
    received += chunk.length;
    if (received > limits.maxCompressedBytes) {
      failure = new StreamError(
        `error receiving stream: repository archive exceeds ${limits.maxCompressedBytes} compressed bytes`,
      );
      chunks.length = 0;
      continue;
    }
    hash.update(chunk);
    chunks.push(chunk);
  }
  if (failure) throw failure;
  if (!metadata) throw new StreamError('error getting stream metadata: stream ended before metadata');
  const checksum = hash.digest('hex');
  if (checksum !== metadata.checksum.toLowerCase()) {
    throw new StreamError(
      `error receiving stream: file checksum validation error: got sha256 ${checksum}, metadata says ${JSON.stringify(metadata.checksum)}`,
    );
  }
  return { metadata, tgz: Buffer.concat(chunks, received) };
}
