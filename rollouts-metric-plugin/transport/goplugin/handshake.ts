// The go-plugin handshake, as `plugin.Serve` (go-plugin v1.6.3 server.go) does it. Pure: env in, decisions out.

export interface HandshakeConfig {
  magicCookieKey: string;
  magicCookieValue: string;
  /** The app protocol version this plugin speaks. */
  protocolVersion: number;
}

/** What Argo Rollouts' metric-provider client sets (metricproviders/plugin/client/client.go). */
export const METRIC_PROVIDER_HANDSHAKE: HandshakeConfig = {
  magicCookieKey: 'ARGO_ROLLOUTS_RPC_PLUGIN',
  magicCookieValue: 'metricprovider',
  protocolVersion: 1,
};

export const CORE_PROTOCOL_VERSION = 1;

/** go-plugin's text, byte for byte, printed on stderr before exit 1 when the cookie is wrong. */
export const NOT_A_PLUGIN_MESSAGE =
  'This binary is a plugin. These are not meant to be executed directly.\n' +
  'Please execute the program that consumes these plugins, which will\n' +
  'load any plugins automatically\n';

export type Env = Readonly<Record<string, string | undefined>>;

export function hasMagicCookie(env: Env, config: HandshakeConfig): boolean {
  return env[config.magicCookieKey] === config.magicCookieValue;
}

export interface VersionChoice {
  version: number;
  /** False when the host listed versions and ours is not among them; the host then refuses the line itself. */
  matched: boolean;
  /** Entries of PLUGIN_PROTOCOL_VERSIONS that are not integers (Go warns and skips them). */
  invalid: string[];
}

/**
 * Go's protocolVersion(): pick our version if the host lists it; otherwise still announce ours, so the host
 * reports "Incompatible API version with plugin" instead of a plugin that died before it could connect.
 */
export function chooseProtocolVersion(env: Env, config: HandshakeConfig): VersionChoice {
  const listed = env.PLUGIN_PROTOCOL_VERSIONS ?? '';
  const invalid: string[] = [];
  const versions: number[] = [];
  if (listed !== '') {
    for (const part of listed.split(',')) {
      if (/^[+-]?\d+$/.test(part)) versions.push(Number(part));
      else invalid.push(part);
    }
  }
  const matched = listed === '' || versions.includes(config.protocolVersion);
  return { version: config.protocolVersion, matched, invalid };
}

export type ListenAddress = { network: 'unix'; path: string } | { network: 'tcp'; host: string; port: number };

/** `CORE|APP|NETWORK|ADDR|PROTOCOL|SERVERCERT` + newline; never a 7th field (go-plugin 1.0.1 uses SplitN 6). */
export function handshakeLine(version: number, address: ListenAddress): string {
  const addr = address.network === 'unix' ? address.path : `${address.host}:${address.port}`;
  if (/[|\n]/.test(addr)) throw new Error(`listen address ${JSON.stringify(addr)} must not contain "|" or a newline`);
  return `${CORE_PROTOCOL_VERSION}|${version}|${address.network}|${addr}|netrpc|\n`;
}

/** `unix:/path` or `tcp:127.0.0.1:PORT` (what --listen and the launcher's args take). */
export function parseListenAddress(text: string): ListenAddress {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    if (!path.startsWith('/')) throw new Error(`listen address "${text}": unix socket path must be absolute`);
    return { network: 'unix', path };
  }
  if (text.startsWith('tcp:')) {
    const match = /^tcp:(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/.exec(text);
    const port = match ? Number(match[2]) : NaN;
    if (!match || !(port >= 1 && port <= 65535)) {
      throw new Error(`listen address "${text}": expected tcp:127.0.0.1:PORT with PORT in 1..65535 (loopback only)`);
    }
    const host = match[1] === 'localhost' ? '127.0.0.1' : (match[1] as string).replace(/^\[|\]$/g, '');
    return { network: 'tcp', host, port };
  }
  throw new Error(`listen address "${text}": expected unix:/absolute/path or tcp:127.0.0.1:PORT`);
}
