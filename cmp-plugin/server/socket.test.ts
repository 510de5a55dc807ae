import { describe, expect, it } from 'vitest';
import { DEFAULT_PLUGIN_SOCKET_DIR, pluginSocketPath } from './socket.js';

describe('pluginSocketPath', () => {
  it('follows argo-cd PluginConfig.Address()', () => {
    expect(pluginSocketPath({}, 'argo-otel', 'v1')).toBe(`${DEFAULT_PLUGIN_SOCKET_DIR}/argo-otel-v1.sock`);
    expect(pluginSocketPath({ ARGOCD_PLUGINSOCKFILEPATH: '/tmp/p' }, 'argo-otel', '')).toBe('/tmp/p/argo-otel.sock');
  });
  it('rejects names that would leave the socket dir', () => {
    expect(() => pluginSocketPath({}, '../x', 'v1')).toThrow(/not a valid socket name/);
    expect(() => pluginSocketPath({}, 'x', 'v1/../..')).toThrow(/plugin version/);
  });
});
