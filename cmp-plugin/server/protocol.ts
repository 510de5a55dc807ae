// The CMP wire contract: argo-cd's plugin.proto loaded at run time with @grpc/proto-loader, and the TypeScript
// shapes of its messages as proto-loader delivers them (keepCase, defaults, oneofs, int64 as number).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';

export const SERVICE_NAME = 'plugin.ConfigManagementPluginService';

export interface EnvEntry {
  name: string;
  value: string;
}

export interface ManifestRequestMetadata {
  appName: string;
  appRelPath: string;
  checksum: string;
  size: number;
  env: EnvEntry[];
}

export interface AppStreamRequest {
  metadata?: ManifestRequestMetadata | null;
  file?: { chunk: Buffer } | null;
  request?: 'metadata' | 'file';
}

export interface ManifestResponse {
  manifests: string[];
  sourceType?: string;
}

export interface RepositoryResponse {
  isSupported: boolean;
  isDiscoveryEnabled: boolean;
}

export interface ParameterAnnouncement {
  name: string;
  title?: string;
  tooltip?: string;
  required?: boolean;
  itemType?: string;
  collectionType?: 'string' | 'array' | 'map';
  string?: string;
  array?: string[];
  map?: Record<string, string>;
}

export interface ParametersAnnouncementResponse {
  parameterAnnouncements: ParameterAnnouncement[];
}

export interface CheckPluginConfigurationResponse {
  isDiscoveryConfigured: boolean;
  provideGitCreds: boolean;
}

/** The proto files ship beside the code; find them from the source tree or from dist/. */
function protoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'proto', 'argocd', 'plugin.proto'))) return join(dir, 'proto');
    dir = dirname(dir);
  }
  throw new Error('cannot find proto/argocd/plugin.proto above ' + fileURLToPath(import.meta.url));
}

let cached: PackageDefinition | undefined;

export function loadPluginPackage(): PackageDefinition {
  cached ??= loadSync('argocd/plugin.proto', {
    includeDirs: [protoRoot()],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    arrays: true,
    oneofs: true,
  });
  return cached;
}

/**
 * Drops proto3 default scalars before encoding: protobufjs writes a field that is set to its default, protoc and
 * Go never do, and we want Go's bytes. Map values are kept (Go writes every map entry in full).
 */
export function withoutProto3Defaults(value: unknown, inMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutProto3Defaults(v));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!inMap && (v === '' || v === false || v === 0 || v === null || v === undefined)) continue;
    out[k] = withoutProto3Defaults(v, k === 'map');
  }
  return out;
}

let service: ServiceDefinition | undefined;

export function pluginServiceDefinition(): ServiceDefinition {
  if (service) return service;
  const def = loadPluginPackage()[SERVICE_NAME];
  if (!def || !('GenerateManifest' in def)) throw new Error(`${SERVICE_NAME} missing from plugin.proto`);
  const methods: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(def as unknown as ServiceDefinition)) {
    methods[name] = {
      ...m,
      requestSerialize: (v: unknown) => m.requestSerialize(withoutProto3Defaults(v)),
      responseSerialize: (v: unknown) => m.responseSerialize(withoutProto3Defaults(v)),
    };
  }
  service = methods as ServiceDefinition;
  return service;
}
