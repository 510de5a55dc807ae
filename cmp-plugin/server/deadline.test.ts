import { describe, expect, it } from 'vitest';
import { DeadlineExceeded, raceSignal, signalForDeadline } from './deadline.js';

describe('signalForDeadline', () => {
  it('is already aborted when the deadline minus the margin has passed', () => {
    const s = signalForDeadline(1_050, 100, new AbortController().signal, 1_000);
    expect(s.signal.aborted).toBe(true);
    expect(s.signal.reason).toBeInstanceOf(DeadlineExceeded);
    s.dispose();
  });
  it('never fires without a deadline, and follows call cancellation', () => {
    const cancel = new AbortController();
    const s = signalForDeadline(Infinity, 100, cancel.signal);
    expect(s.signal.aborted).toBe(false);
    cancel.abort();
    expect((s.signal.reason as Error).message).toBe('context canceled');
    s.dispose();
  });
  it('raceSignal rejects with the abort reason even if the work never settles', async () => {
    const c = new AbortController();
    const pending = raceSignal(new Promise<never>(() => undefined), c.signal);
    c.abort(new DeadlineExceeded());
    await expect(pending).rejects.toThrow('context deadline exceeded');
    await expect(raceSignal(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});
