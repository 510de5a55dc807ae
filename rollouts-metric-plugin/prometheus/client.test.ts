import { describe, expect, it } from 'vitest';
import { PrometheusClient } from './client.js';

const backend = { address: 'http://user:pw@127.0.0.1:9', headers: {}, timeoutSeconds: 5 };
const answering = (status: number, body: string): typeof fetch => async () => new Response(body, { status });
const query = { key: 'q', kind: 'instant', query: 'up', time: 1 } as const;

describe('PrometheusClient failures come back as error results', () => {
  it('an HTTP error whose body is JSON null', async () => {
    const client = new PrometheusClient({ backend, fetch: answering(503, 'null') });
    await expect(client.run(query)).resolves.toEqual({ ok: false, error: 'http://127.0.0.1:9 answered HTTP 503: HTTP 503' });
  });

  it("an HTTP error with Prometheus's error body names errorType and error", async () => {
    const body = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' });
    const client = new PrometheusClient({ backend, fetch: answering(400, body) });
    await expect(client.run(query)).resolves.toEqual({
      ok: false,
      error: 'http://127.0.0.1:9 answered HTTP 400: bad_data: parse error at char 3',
    });
  });

  it('a body that is not JSON, without the credentials of the address', async () => {
    const client = new PrometheusClient({ backend, fetch: answering(200, '<html>') });
    const result = await client.exemplars('up', 0, 1);
    expect(result).toEqual({ ok: false, error: 'http://127.0.0.1:9 answered HTTP 200 with a body that is not JSON: "<html>"' });
  });

  it('a token file holding two lines is named, without the token, and nothing is sent', async () => {
    let called = false;
    const client = new PrometheusClient({
      backend: { ...backend, bearerTokenFile: '/var/run/token' },
      readTokenFile: async () => 's3cret\nsecond-line\n',
      fetch: async () => {
        called = true;
        return new Response('{}');
      },
    });
    const result = await client.run(query);
    expect(result).toEqual({ ok: false, error: 'backend.bearerTokenFile: /var/run/token holds a token with a line break, NUL or non-byte character' });
    expect(called).toBe(false);
  });

  it('an empty token env var is named', async () => {
    const client = new PrometheusClient({ backend: { ...backend, bearerTokenEnv: 'PROM_TOKEN' }, env: { PROM_TOKEN: '  \n' }, fetch: answering(200, '{}') });
    await expect(client.run(query)).resolves.toEqual({ ok: false, error: 'backend.bearerTokenEnv: env var PROM_TOKEN holds an empty token' });
  });
});
