// The shipped trigger evaluated by the real expression engine (expr-lang/expr, as notifications-engine runs it):
// exactly one condition fires per phase, its oncePer key is the operation's startedAt, and an app that was never
// synced fires nothing and raises no expression error.
import { describe, expect, it } from 'vitest';
import { evaluateTrigger, shippedTrigger, succeededApplication } from './fixtures.js';

function withPhase(phase: string | undefined): Record<string, unknown> {
  const app = succeededApplication();
  const status = app.status as Record<string, unknown>;
  if (phase === undefined) delete status.operationState;
  else (status.operationState as Record<string, unknown>).phase = phase;
  return app;
}

describe('trigger.argo-otel-sync-operation', () => {
  const conditions = shippedTrigger();

  it('sends our template from every condition, once per operation start', () => {
    expect(conditions).toHaveLength(3);
    for (const c of conditions) {
      expect(c.send).toEqual(['argo-otel-sync']);
      expect(c.oncePer).toBe('app.status.operationState.startedAt');
    }
  });

  it.each([
    ['Running', 0],
    ['Succeeded', 1],
    ['Failed', 2],
    ['Error', 2],
    ['Terminating', -1],
    [undefined, -1],
  ])('phase %s fires condition %i only', async (phase, index) => {
    const app = withPhase(phase);
    const results = await Promise.all(conditions.map((c) => evaluateTrigger(c, app)));
    expect(results.map((r) => r.error)).toEqual(['', '', '']);
    expect(results.map((r) => r.triggered)).toEqual(conditions.map((_c, i) => i === index));
    if (index >= 0) expect(results[index]?.oncePer).toBe('2026-11-30T10:00:00Z');
  });
});
