// Our propagation (forwardTraceHeaders = extractTraceContext + continueTrace) against every W3C harness case, one vitest test per
// harness test name (the table and the harness's checks are in w3c-harness-cases.ts).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forwardTraceHeaders } from './propagation.js';
import { runHarnessRequest, W3C_HARNESS, type HarnessService } from './w3c-harness-cases.js';

const ours: HarnessService = (headers) => forwardTraceHeaders(headers, randomBytes);

describe('W3C trace-context harness (test/test.py)', () => {
  it('lists all 41 harness tests once', () => {
    expect(new Set(W3C_HARNESS.map(([name]) => name)).size).toBe(41);
    expect(W3C_HARNESS).toHaveLength(41);
  });

  it.each(W3C_HARNESS)('%s', (_name, requests) => {
    for (const request of requests) expect(runHarnessRequest(ours, request)).toEqual([]);
  });

  it('the checks catch a broken service (they are not vacuous)', () => {
    const echo: HarnessService = (headers) => ({ traceparent: headers.find(([n]) => n === 'traceparent')?.[1] ?? '' });
    const fixed: HarnessService = () => ({ traceparent: '00-12345678901234567890123456789012-1234567890123456-01' });
    for (const broken of [echo, fixed]) {
      const failing = W3C_HARNESS.filter(([, requests]) => requests.some((r) => runHarnessRequest(broken, r).length > 0));
      expect(failing.length).toBeGreaterThan(20);
    }
  });
});
