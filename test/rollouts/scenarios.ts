// The conformance scenarios, asserted the same way for every plugin (TS standalone, TS sidecar via the launcher,
// and the Go baseline), so a harness bug shows up against the Go plugin too.
import { expect } from 'vitest';
import { alive, hostOk, measurement } from './harness.js';
import type { HostResult, Measurement, PluginTarget } from './harness.js';

/** How the target ends a session on Control.Quit. */
export interface QuitBehaviour {
  /** Standalone plugins exit 0 by themselves; a launcher stays up until go-plugin SIGKILLs it after 2 s. */
  exitsOnQuit: boolean;
  /** Whether Quit must be answered before the session ends (go-plugin v1.6.3's own server races here; see report). */
  repliesToQuit: boolean;
}

const COMPLETED = ['Successful', 'Failed', 'Error', 'Inconclusive'];

/** Milliseconds since the epoch from an RFC 3339 time with up to 9 fractional digits. */
export function ms(text: string | null | undefined): number {
  expect(text, 'timestamp').toBeTruthy();
  const t = Date.parse(String(text).replace(/(\.\d{3})\d+/, '$1'));
  expect(Number.isFinite(t), `parseable timestamp ${text}`).toBe(true);
  return t;
}

/** StartedAt/FinishedAt must fall inside the host's call window (1 ms of slack: a JS Date has ms precision). */
function expectWithinCall(result: HostResult, key: string, m: Measurement): void {
  const from = ms(result.data[`${key}CallStartedAt`] as string) - 1;
  const to = ms(result.data[`${key}CallFinishedAt`] as string) + 1;
  const started = ms(m.startedAt);
  const finished = ms(m.finishedAt);
  expect(started).toBeGreaterThanOrEqual(from);
  expect(finished).toBeGreaterThanOrEqual(started);
  expect(finished).toBeLessThanOrEqual(to);
}

function expectFixedSuccess(m: Measurement): void {
  expect(m).toMatchObject({ phase: 'Successful', value: '1', message: 'fixed answer', resumeAt: null });
}

export interface Scenario {
  name: string;
  run: (target: PluginTarget, quit: QuitBehaviour) => Promise<void>;
}

export const scenarios: Scenario[] = [
  {
    name: 'dispense',
    run: async (target) => {
      const r = await hostOk('dispense', target);
      expect(r.data).toMatchObject({ dispensed: true, protocol: 'netrpc', negotiatedVersion: 1 });
      expect(r.addr).toMatch(/^unix:\//);
    },
  },
  {
    name: 'init',
    run: async (target) => {
      const r = await hostOk('init', target);
      expect(r.data['initialized']).toBe(true);
    },
  },
  {
    name: 'ping',
    run: async (target) => {
      const r = await hostOk('ping', target);
      expect(r.problems).toEqual([]);
    },
  },
  {
    name: 'run',
    run: async (target) => {
      const r = await hostOk('run', target);
      const m = measurement(r);
      expectFixedSuccess(m);
      expectWithinCall(r, 'measurement', m);
      // The first Run on a stream carries the whole v1alpha1 type graph (AnalysisRun, Job → PodSpec).
      expect(r.data['firstRunRequestBytes']).toBeGreaterThan(15_000);
      expect(r.data['laterRunRequestBytes']).toBeLessThan(Number(r.data['firstRunRequestBytes']) / 5);
    },
  },
  {
    name: 'run with type ids shifted by 300 (a long-running controller that talked to other plugins)',
    run: async (target) => {
      // gob ids are process-global in the host; here every definition gets a 2-byte id instead of 1.
      const r = await hostOk('run', target, ['--shift-type-ids', '300']);
      expectFixedSuccess(measurement(r));
      expect(r.data['firstRunRequestBytes']).toBeGreaterThan(20_100);
    },
  },
  {
    name: 'invalid-config',
    run: async (target) => {
      const r = await hostOk('invalid-config', target);
      const bad = measurement(r);
      expect(bad.phase).toBe('Error');
      // The host prefixes the plugin's message; the plugin's part must name the bad field.
      expect(bad.message).toMatch(/^failed to run via plugin: .*phase/);
      expect(bad.finishedAt).not.toBeNull();
      expectFixedSuccess(measurement(r, 'after'));
    },
  },
  {
    name: 'async: Run answers Running, Resume completes it',
    run: async (target) => {
      const r = await hostOk('async', target);
      const running = measurement(r, 'running');
      expect(running.phase).toBe('Running');
      expect(running.finishedAt).toBeNull();
      expect(ms(running.resumeAt)).toBeGreaterThanOrEqual(ms(running.startedAt));
      const done = measurement(r);
      expect(done.phase).toBe('Successful');
      expect(ms(done.startedAt)).toBe(ms(running.startedAt));
      expect(ms(done.finishedAt)).toBeGreaterThanOrEqual(ms(done.startedAt));
    },
  },
  {
    name: 'resume',
    run: async (target) => {
      const r = await hostOk('resume', target);
      const m = measurement(r);
      const inFlight = r.data['inFlight'] as Measurement;
      expectFixedSuccess(m);
      // Resume replaces the in-flight measurement: it keeps when the measurement started.
      expect(ms(m.startedAt)).toBe(ms(inFlight.startedAt));
      expect(ms(m.finishedAt)).toBeGreaterThanOrEqual(ms(r.data['measurementCallStartedAt'] as string) - 1);
    },
  },
  {
    name: 'terminate',
    run: async (target) => {
      const r = await hostOk('terminate', target);
      const m = measurement(r);
      expect(COMPLETED).toContain(m.phase);
      expect(m.finishedAt).not.toBeNull();
      expect(m.resumeAt).toBeNull();
    },
  },
  {
    name: 'garbage-collect',
    run: async (target) => {
      const r = await hostOk('garbage-collect', target);
      expect(r.data['errorString']).toBe('');
    },
  },
  {
    name: 'metadata',
    run: async (target) => {
      const r = await hostOk('metadata', target);
      // The fixed provider's metadata, the same from the TS plugin and the Go baseline.
      expect(r.data['metadata']).toEqual({ provider: 'fixed', phase: 'Successful' });
    },
  },
  {
    name: 'type',
    run: async (target) => {
      const r = await hostOk('type', target);
      expect(r.data['type']).toBe('RPCPlugin');
    },
  },
  {
    name: '50 concurrent Runs answered out of order',
    run: async (target) => {
      const r = await hostOk('concurrent', target, ['--n', '50']);
      expect(r.data).toMatchObject({ n: 50, mismatched: 0, phases: { Successful: 50 } });
    },
  },
  {
    name: '16 MiB argument and 16 MiB reply',
    run: async (target) => {
      const r = await hostOk('big-arg', target, ['--size', String(16 << 20)], 120_000);
      expectFixedSuccess(measurement(r, 'bigRequest'));
      const reply = measurement(r, 'bigReply');
      expect(reply.phase).toBe('Successful');
      expect(reply.messageBytes).toBe(16 << 20);
    },
  },
  {
    name: 'kill: the process is gone',
    run: async (target, quit) => {
      const r = await hostOk('kill', target);
      expect(r.pid).toBeGreaterThan(0);
      expect(r.data['pidGone']).toBe(true);
      expect(alive(r.pid ?? 0)).toBe(false);
      if (quit.exitsOnQuit) {
        // Exit status 0 within go-plugin's 2 s grace: go-plugin did not have to SIGKILL it.
        expect(r.data['exitedCleanly'], JSON.stringify(r.data['exitLog'])).toBe(true);
      }
      if (quit.repliesToQuit) {
        expect(r.data['quitReplied'], JSON.stringify(r.hostWarnings)).toBe(true);
        expect(r.data['forcedKill']).toBe(quit.exitsOnQuit ? false : true);
      }
    },
  },
  {
    name: 'restart: a new session after Kill',
    run: async (target) => {
      const r = await hostOk('restart', target);
      expect(r.data['firstPidGone']).toBe(true);
      expect(r.data['secondPid']).not.toBe(r.data['firstPid']);
      expectFixedSuccess(measurement(r, 'first'));
      expectFixedSuccess(measurement(r, 'second'));
    },
  },
  {
    name: 'crash: a SIGKILLed plugin is replaced by the next measurement',
    run: async (target) => {
      const r = await hostOk('crash', target);
      expectFixedSuccess(measurement(r));
      expect(r.data['newPid']).not.toBe(r.data['crashedPid']);
      expect(alive(Number(r.data['crashedPid']))).toBe(false);
      expect(r.data['exitNoticed']).toBe(true);
      expect(r.data['failedAttempts']).toEqual([]);
    },
  },
];
