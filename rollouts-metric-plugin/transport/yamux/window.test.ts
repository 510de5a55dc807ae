import { describe, expect, it } from 'vitest';
import { ReceiveWindow, SendWindow } from './window.js';

const MAX = 256 * 1024;

describe('ReceiveWindow (Go stream.go accounting)', () => {
  it('holds back updates until half the window is free, then advertises all freed space', () => {
    const w = new ReceiveWindow(MAX);
    w.received(200_000);
    expect(w.available).toBe(MAX - 200_000);
    w.consumed(100_000);
    expect(w.takeUpdate()).toBe(0); // 100 000 < 131 072
    w.consumed(40_000);
    expect(w.takeUpdate()).toBe(140_000);
    expect(w.available).toBe(MAX - 60_000); // remaining + held = max again
    expect(w.buffered).toBe(60_000);
  });

  it('knows when a frame exceeds the window and refuses to account it', () => {
    const w = new ReceiveWindow(MAX);
    w.received(MAX);
    expect(w.fits(1)).toBe(false);
    expect(() => w.received(1)).toThrow(/receive window exceeded/);
    expect(() => w.consumed(MAX + 1)).toThrow(/only 262144 held/);
  });

  it('never lets sender and receiver disagree: remaining + held <= max after any sequence', () => {
    const w = new ReceiveWindow(MAX);
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 10_000; i++) {
      if (rnd(2) === 0 && w.available > 0) w.received(1 + rnd(w.available));
      else if (w.buffered > 0) w.consumed(1 + rnd(w.buffered));
      w.takeUpdate();
      expect(w.available + w.buffered).toBeLessThanOrEqual(MAX);
    }
  });
});

describe('SendWindow', () => {
  it('takes at most what is left and grows by updates, refusing uint32 overflow', () => {
    const w = new SendWindow(MAX);
    expect(w.take(300_000)).toBe(MAX);
    expect(w.take(1)).toBe(0);
    expect(w.grow(10)).toBe(true);
    expect(w.take(100)).toBe(10);
    expect(w.grow(0xffff_ffff)).toBe(true);
    expect(w.grow(1)).toBe(false);
  });
});
