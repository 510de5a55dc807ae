// A stand-in for cmp-plugin/generate used by the streaming tests: renders every *.yaml under the app dir, fails
// with a GenerateError for `bad.yaml`, and waits for its abort signal when the env asks it to hang.
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { listManifestFiles, nodeFs } from '../../cmp-plugin/render/directory.js';
import { GenerateError, type GenerateInput, type GenerateResult, type KubeObject } from '../../cmp-plugin/types.js';

export interface FakeGenerateLog {
  inputs: GenerateInput[];
  aborted: number;
}

export function fakeGenerate(log: FakeGenerateLog = { inputs: [], aborted: 0 }) {
  return async (input: GenerateInput): Promise<GenerateResult> => {
    log.inputs.push(input);
    if (input.env['HANG'] === 'true') {
      await new Promise<void>((resolve) => input.signal?.addEventListener('abort', () => resolve(), { once: true }));
      log.aborted++;
      throw new GenerateError('aborted', { reason: 'aborted' });
    }
    const objects: KubeObject[] = [];
    // The server hands plain-directory apps over as in-place archive files, unpacked ones as the real tree.
    const files = input.files ?? nodeFs;
    const names = (await listManifestFiles(input.appDir, input.repoRoot ?? input.appDir, files)).filter((n) => n.endsWith('.yaml'));
    for (const name of names) {
      const text = await files.readText(join(input.appDir, name));
      if (name.endsWith('bad.yaml')) {
        throw new GenerateError(`${name}: bad`, { file: relative(input.appDir, join(input.appDir, name)), line: 3, reason: 'mapping values are not allowed here' });
      }
      for (const doc of parseAllDocuments(text)) {
        const obj = doc.toJS() as KubeObject | null;
        if (obj) objects.push({ ...obj, metadata: { ...obj.metadata, annotations: { 'argo-otel.io/app': input.env['ARGOCD_APP_NAME'] ?? '' } } });
      }
    }
    return {
      renderer: 'directory',
      objects,
      patches: [],
      injected: objects.length,
      lineage: { lineage: {}, sources: {}, warnings: [] },
      warnings: [],
    };
  };
}
