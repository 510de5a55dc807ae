import { describe, expect, it } from 'vitest';
import {
  METRIC_PROVIDER_HANDSHAKE as H,
  chooseProtocolVersion,
  handshakeLine,
  hasMagicCookie,
  parseListenAddress,
} from './handshake.js';

describe('go-plugin handshake', () => {
  it('checks the metric-provider cookie exactly', () => {
    expect(hasMagicCookie({ ARGO_ROLLOUTS_RPC_PLUGIN: 'metricprovider' }, H)).toBe(true);
    expect(hasMagicCookie({ ARGO_ROLLOUTS_RPC_PLUGIN: 'metricprovider ' }, H)).toBe(false);
    expect(hasMagicCookie({ ARGO_ROLLOUTS_RPC_PLUGIN: 'trafficrouter' }, H)).toBe(false);
    expect(hasMagicCookie({}, H)).toBe(false);
  });

  it('matches version 1 in PLUGIN_PROTOCOL_VERSIONS, and like Go still announces 1 when it is not listed', () => {
    expect(chooseProtocolVersion({ PLUGIN_PROTOCOL_VERSIONS: '1' }, H)).toEqual({ version: 1, matched: true, invalid: [] });
    expect(chooseProtocolVersion({ PLUGIN_PROTOCOL_VERSIONS: '2,1' }, H)).toEqual({ version: 1, matched: true, invalid: [] });
    expect(chooseProtocolVersion({}, H)).toEqual({ version: 1, matched: true, invalid: [] });
    expect(chooseProtocolVersion({ PLUGIN_PROTOCOL_VERSIONS: '2,x' }, H)).toEqual({ version: 1, matched: false, invalid: ['x'] });
  });

  it('prints the Go line: six fields, empty cert, newline', () => {
    expect(handshakeLine(1, { network: 'unix', path: '/tmp/plugin1515876361' })).toBe('1|1|unix|/tmp/plugin1515876361|netrpc|\n');
    expect(handshakeLine(1, { network: 'tcp', host: '127.0.0.1', port: 7000 })).toBe('1|1|tcp|127.0.0.1:7000|netrpc|\n');
    expect(() => handshakeLine(1, { network: 'unix', path: '/tmp/a|b' })).toThrow(/must not contain/);
  });

  it('parses --listen addresses, loopback only', () => {
    expect(parseListenAddress('unix:/var/run/argo-otel/plugin.sock')).toEqual({ network: 'unix', path: '/var/run/argo-otel/plugin.sock' });
    expect(parseListenAddress('tcp:127.0.0.1:7000')).toEqual({ network: 'tcp', host: '127.0.0.1', port: 7000 });
    expect(parseListenAddress('tcp:localhost:1')).toEqual({ network: 'tcp', host: '127.0.0.1', port: 1 });
    expect(() => parseListenAddress('unix:relative.sock')).toThrow(/absolute/);
    expect(() => parseListenAddress('tcp:0.0.0.0:7000')).toThrow(/loopback/);
    expect(() => parseListenAddress('tcp:127.0.0.1:70000')).toThrow(/1\.\.65535/);
    expect(() => parseListenAddress('http://x')).toThrow(/expected unix/);
  });
});
