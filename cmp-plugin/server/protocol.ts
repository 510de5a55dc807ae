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

export function pluginServiceDefinition(): ServiceDefinition {
  const def = loadPluginPackage()[SERVICE_NAME];
  if (!def || !('GenerateManifest' in def)) throw new Error(`${SERVICE_NAME} missing from plugin.proto`);
  return def as unknown as ServiceDefinition;
}
