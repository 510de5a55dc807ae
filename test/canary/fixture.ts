// Stable and canary OTel services per scenario, all scraped by one real Prometheus, with traffic spread over
// several scrapes so increase() sees it. Shared by the judge's scenario tests (direct and through the real host).
import { startOtelService, type OtelService, type RouteBehaviour } from '../support/otel-http-service.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

export interface CanaryScenario {
  name: string;
  stable: Record<string, RouteBehaviour>;
  canary: Record<string, RouteBehaviour>;
  /** Canary requests in total (default 1,500 per route). */
  canaryRequests?: number;
  /** Copy the hash resource attribute onto every series (promoted label) instead of target_info only. */
  promoteHash?: boolean;
}

export interface CanaryFixture {
  prometheus: RunningPrometheus;
  hashes(scenario: string): { canary: string; stable: string };
  stop(): Promise<void>;
}

export const healthyRoute = (latency: number): RouteBehaviour => ({ errorRate: 0.004, latency });

export function scenarioHashes(scenario: string): { canary: string; stable: string } {
  return { canary: `${scenario}-c4n4ry`, stable: `${scenario}-st4bl3` };
}

export async function startCanaryFixture(scenarios: readonly CanaryScenario[], bursts = 6): Promise<CanaryFixture> {
  const services = new Map<string, { stable: OtelService; canary: OtelService }>();
  const all: OtelService[] = [];
  let prometheus: RunningPrometheus | undefined;
  const stop = async (): Promise<void> => {
    await prometheus?.stop();
    for (const s of all) await s.close();
  };
  try {
    for (const s of scenarios) {
      const h = scenarioHashes(s.name);
      const stable = await startOtelService({ serviceName: s.name, podTemplateHash: h.stable, instanceId: `${s.name}-stable-0`, routes: s.stable, promoteHash: s.promoteHash ?? false, seed: 11 });
      all.push(stable);
      const canary = await startOtelService({ serviceName: s.name, podTemplateHash: h.canary, instanceId: `${s.name}-canary-0`, routes: s.canary, promoteHash: s.promoteHash ?? false, seed: 29 });
      all.push(canary);
      // One request per route first, so every series exists before the first scrape.
      for (const route of Object.keys(s.stable)) await stable.drive(route, 1);
      for (const route of Object.keys(s.canary)) await canary.drive(route, 1);
      services.set(s.name, { stable, canary });
    }
    prometheus = await startPrometheus(scenarios.map((s) => ({ job: s.name, targets: [services.get(s.name)!.stable.url, services.get(s.name)!.canary.url] })));
    await prometheus.waitForScrapes(1);
    for (let burst = 0; burst < bursts; burst++) {
      for (const s of scenarios) {
        const pair = services.get(s.name)!;
        for (const route of Object.keys(s.stable)) await pair.stable.drive(route, Math.ceil(1500 / bursts));
        for (const route of Object.keys(s.canary)) await pair.canary.drive(route, Math.ceil((s.canaryRequests ?? 1500) / bursts));
      }
      await new Promise((r) => setTimeout(r, 1100));
    }
    await prometheus.waitForScrapes(bursts + 4);
    await new Promise((r) => setTimeout(r, 2200)); // two more scrapes after the last burst
  } catch (err) {
    await stop();
    throw err;
  }
  return { prometheus, hashes: scenarioHashes, stop };
}
