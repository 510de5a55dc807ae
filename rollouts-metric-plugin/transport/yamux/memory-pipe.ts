// Two connected in-memory Duplex ends, for running a session without a socket (tests, fuzzing, tools).
// Node 20 has no stream.duplexPair (added in 22.6), hence these few lines.
import { Duplex } from 'node:stream';

export function memoryPipe(): [Duplex, Duplex] {
  let left: Duplex | undefined;
  let right: Duplex | undefined;
  const end = (peer: () => Duplex | undefined): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        peer()?.push(chunk);
        callback();
      },
      final(callback) {
        peer()?.push(null);
        callback();
      },
      destroy(error, callback) {
        const other = peer();
        if (other && !other.readableEnded) other.push(null);
        callback(error);
      },
    });
  left = end(() => right);
  right = end(() => left);
  return [left, right];
}
