// Golden encodings from protoc 3.21.12 against argo-cd's own plugin.proto (reference notes §3): our proto must
// produce and accept exactly these bytes.
import { describe, expect, it } from 'vitest';
import { pluginServiceDefinition } from './protocol.js';

const METADATA_HEX =
  '0a90010a096775657374626f6f6b12096775657374626f6f6b1a406533623063343432393866633163313439616662663463383939366662393234323761653431653436343962393334636134393539393162373835326238353520d2092a1c0a0f4152474f43445f4150505f4e414d4512096775657374626f6f6b2a150a134152474f43445f454e565f4d4f44454c5f4944';

type Codec = { requestSerialize(v: unknown): Buffer; requestDeserialize(b: Buffer): unknown; responseSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown; path: string; requestStream: boolean; responseStream: boolean };

function method(name: string): Codec {
  return pluginServiceDefinition()[name] as unknown as Codec;
}

describe('plugin.proto wire contract', () => {
  it('has the four methods at argo-cd paths, three client-streaming and one unary', () => {
    const def = pluginServiceDefinition() as unknown as Record<string, Codec>;
    expect(Object.fromEntries(Object.entries(def).map(([k, v]) => [k, [v.path, v.requestStream, v.responseStream]]))).toEqual({
      GenerateManifest: ['/plugin.ConfigManagementPluginService/GenerateManifest', true, false],
      CheckPluginConfiguration: ['/plugin.ConfigManagementPluginService/CheckPluginConfiguration', false, false],
      MatchRepository: ['/plugin.ConfigManagementPluginService/MatchRepository', true, false],
      GetParametersAnnouncement: ['/plugin.ConfigManagementPluginService/GetParametersAnnouncement', true, false],
    });
  });

  const metadata = {
    metadata: {
      appName: 'guestbook',
      appRelPath: 'guestbook',
      checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size: 1234,
      env: [
        { name: 'ARGOCD_APP_NAME', value: 'guestbook' },
        { name: 'ARGOCD_ENV_MODEL_ID', value: '' },
      ],
    },
  };

  it('encodes the metadata message byte for byte (empty env value omitted)', () => {
    expect(method('GenerateManifest').requestSerialize(metadata).toString('hex')).toBe(METADATA_HEX);
  });

  it('decodes the metadata message, defaulting the missing env value to ""', () => {
    const decoded = method('GenerateManifest').requestDeserialize(Buffer.from(METADATA_HEX, 'hex'));
    expect(decoded).toEqual({ ...metadata, request: 'metadata' });
  });

  it('encodes and decodes a file chunk', () => {
    const bytes = method('MatchRepository').requestSerialize({ file: { chunk: Buffer.from([0x1f, 0x8b]) } });
    expect(bytes.toString('hex')).toBe('12040a021f8b');
    expect(method('MatchRepository').requestDeserialize(bytes)).toEqual({ file: { chunk: Buffer.from([0x1f, 0x8b]) }, request: 'file' });
  });

  it('encodes RepositoryResponse{true,true}', () => {
    expect(method('MatchRepository').responseSerialize({ isSupported: true, isDiscoveryEnabled: true }).toString('hex')).toBe('08011001');
  });

  it('round-trips a ParameterAnnouncement with array and map (repository package)', () => {
    const m = method('GetParametersAnnouncement');
    const value = { parameterAnnouncements: [{ name: 'helm-set', collectionType: 'map', map: { a: '1' }, array: ['x'] }] };
    const back = m.responseDeserialize(m.responseSerialize(value)) as { parameterAnnouncements: Record<string, unknown>[] };
    expect(back.parameterAnnouncements[0]).toMatchObject(value.parameterAnnouncements[0]!);
  });
});
