// Slow (~65 s): an idle session must survive two 30 s keepalive rounds in both directions with real Go yamux.
import { afterEach, beforeAll, expect, it } from 'vitest';
import { echo, ensurePeer, killPeers, withGoClient } from './go-peer.js';
import type { YamuxStream } from '../../rollouts-metric-plugin/transport/yamux/index.js';

beforeAll(() => ensurePeer());
afterEach(() => killPeers());

it('stays up across two keepalive rounds (Go DefaultConfig and ours both ping every 30 s)', async () => {
  const errors: Error[] = [];
  const { report, session } = await withGoClient('idle', ['65'], (s) =>
    s.on('stream', (st: YamuxStream) => echo(st, errors)),
  );
  expect(report).toMatchObject({ firstOK: true, againOK: true, secondOK: true, closedWhileIdle: false });
  expect(session.stats.keepalivesSent).toBeGreaterThanOrEqual(2); // our pings, each answered or we'd have closed
  expect(session.stats.pingsAnswered).toBeGreaterThanOrEqual(2); // Go's keepalive pings
  expect(session.error).toBeUndefined();
  expect(errors).toEqual([]);
}, 120_000);
