// In plugin mode stdout belongs to the handshake: one line, then nothing (go-plugin reads it as protocol).
// Anything a dependency prints with console.log or process.stdout.write goes to stderr instead.
import { format } from 'node:util';

export interface StdoutGuard {
  /** Writes the handshake line on the real stdout; every later stdout write is redirected. */
  writeHandshake(line: string): Promise<void>;
}

export function guardStdout(): StdoutGuard {
  const realWrite = process.stdout.write.bind(process.stdout);
  const toStderr = (...args: unknown[]): void => void process.stderr.write(`${format(...args)}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.dir = toStderr;
  console.table = toStderr;
  const redirected = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const callback = rest.find((r): r is (err?: Error | null) => void => typeof r === 'function');
    return process.stderr.write(chunk, callback);
  }) as typeof process.stdout.write;
  process.stdout.write = redirected;
  return {
    writeHandshake: (line) =>
      new Promise((resolve, reject) => {
        realWrite(line, (err?: Error | null) => (err ? reject(err) : resolve()));
      }),
  };
}
