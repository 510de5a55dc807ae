import { describe, expect, it } from 'vitest';
import { parseListen } from './http.js';

describe('parseListen', () => {
  it('accepts literal addresses with a port', () => {
    expect(parseListen('127.0.0.1:8090')).toEqual({ host: '127.0.0.1', port: 8090 });
    expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
  });
  it('names the problem for anything else', () => {
    for (const bad of ['8090', 'example.com:80', '127.0.0.1:99999', '127.0.0.1:']) {
      expect(() => parseListen(bad)).toThrow(/--http-listen must be ADDRESS:PORT/);
    }
  });
});
