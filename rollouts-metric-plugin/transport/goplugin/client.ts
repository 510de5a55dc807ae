// The host side of go-plugin net/rpc, reduced to what tests, tools and benchmarks need: a yamux client session,
// control/stdout/stderr streams in Go's order, Dispense, the broker id handshake, then a net/rpc client per plugin.
import type { Duplex } from 'node:stream';
import { StreamByteSource, t } from '../gob/index.js';
import type { GobValue } from '../gob/index.js';
import { YamuxSession } from '../yamux/index.js';
import type { YamuxStream } from '../yamux/index.js';
import { NetRpcClient } from '../netrpc/client.js';
import { BROKER_ID_BYTES, encodeBrokerId } from './broker.js';

export class PluginHostClient {
  readonly session: YamuxSession;
  readonly #control: NetRpcClient;
  readonly #stdio: YamuxStream[];

  constructor(conn: Duplex) {
    this.session = new YamuxSession(conn, { role: 'client', keepaliveIntervalMs: 0 });
    const control = this.session.openStream();
    this.#stdio = [this.session.openStream(), this.session.openStream()];
    for (const s of this.#stdio) s.resume();
    this.#control = new NetRpcClient(control);
  }

  async ping(): Promise<void> {
    await this.#control.call('Control.Ping', t.bool, true);
  }

  async quit(): Promise<void> {
    await this.#control.call('Control.Quit', t.bool, true);
  }

  async dispense(name: string): Promise<number> {
    const id = await this.#control.call('Dispenser.Dispense', t.string, name);
    if (typeof id !== 'number') throw new Error(`Dispense returned ${String(id)}, not a uint32`);
    return id;
  }

  /** Dispense + broker stream: a net/rpc client for the plugin's `Plugin` service. */
  async plugin(name: string): Promise<NetRpcClient> {
    return this.connectBroker(await this.dispense(name));
  }

  async connectBroker(id: number): Promise<NetRpcClient> {
    const stream = this.session.openStream();
    const source = new StreamByteSource(stream);
    stream.write(encodeBrokerId(id));
    const ack = (await source.readExactly(BROKER_ID_BYTES)).readUInt32LE(0);
    if (ack !== id) throw new Error(`bad ack: ${ack} for id ${id}`);
    return new NetRpcClient(stream, source);
  }

  /** What go-plugin's Kill does after Quit: FIN on the streams, then the socket. */
  close(): void {
    this.session.close();
  }
}

export type { GobValue };
