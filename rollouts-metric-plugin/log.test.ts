import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine, hclogTimestamp, parseLogLevel } from './log.js';

const at = new Date('2026-11-22T06:52:00.457Z');

describe('hclog JSON lines', () => {
  it('uses hclog layout with exactly six fractional digits', () => {
    expect(hclogTimestamp(at)).toBe('2026-11-22T06:52:00.457000Z');
    expect(hclogTimestamp(new Date('2026-01-01T00:00:00Z'))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('formats the recommended line', () => {
    expect(formatLogLine('info', 'query done', { metric: 'error-rate' }, at)).toBe(
      '{"@level":"info","@message":"query done","@timestamp":"2026-11-22T06:52:00.457000Z","metric":"error-rate"}',
    );
  });

  it('keeps @message and @level strings whatever the caller passes, and fields cannot override them', () => {
    const line = JSON.parse(
      formatLogLine('warn', 42 as unknown as string, { '@message': { x: 1 }, '@level': 7, n: 10n, e: new Error('boom') }, at),
    ) as Record<string, unknown>;
    expect(line['@message']).toBe('42');
    expect(line['@level']).toBe('warn');
    expect(line['_@message']).toBe('{"x":1}');
    expect(line['_@level']).toBe(7);
    expect(line.n).toBe('10');
    expect(line.e).toBe('boom');
  });

  it('writes one line per entry even for multi-line text and bounds huge fields', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l) => lines.push(l), now: () => at });
    log.info('two\nlines', { big: 'x'.repeat(100_000) });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(lines[0]?.slice(0, -1)).not.toContain('\n');
    expect(lines[0]!.length).toBeLessThan(10_000);
  });

  it('filters by level and binds fields with with()', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l), now: () => at }).with({ session: 3 });
    log.debug('hidden');
    log.info('hidden');
    log.warn('shown', { k: 'v' });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { '@level': 'warn', '@message': 'shown', '@timestamp': '2026-11-22T06:52:00.457000Z', session: 3, k: 'v' },
    ]);
  });

  it('parses levels case-insensitively and rejects others', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('Warn')).toBe('warn');
    expect(parseLogLevel('verbose')).toBeUndefined();
    expect(parseLogLevel(undefined)).toBeUndefined();
  });

  it('never throws when the sink fails', () => {
    const log = createLogger({ write: () => { throw new Error('EPIPE'); } });
    expect(() => log.error('x')).not.toThrow();
  });
});
