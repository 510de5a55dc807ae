// From parsed documents to Kubernetes objects: skip empty and non-Kubernetes documents (with a warning), flatten
// `kind: *List` as the repo-server does, and keep where each object came from.
import { GenerateError, type KubeObject, type RenderedObject } from '../types.js';
import { readJson } from './json-reader.js';
import { readYamlStream, type JsonValue } from './yaml-reader.js';

export interface ParsedObjects {
  objects: RenderedObject[];
  warnings: string[];
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Repo-server flattens any `...List` object whose `items` is an array; nested lists are flattened too. */
function collect(
  value: JsonValue,
  origin: { file: string; document: number; line: number },
  out: RenderedObject[],
  warnings: string[],
): void {
  const where = `${origin.file}:${origin.line} (document ${origin.document})`;
  if (!isObject(value)) {
    warnings.push(`${where}: skipped: not a Kubernetes object (a ${Array.isArray(value) ? 'sequence' : typeof value})`);
    return;
  }
  const kind = value.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
    for (const item of value.items) {
      if (!isObject(item)) {
        const reason = `${kind} item is not an object`;
        throw new GenerateError(`${where}: ${reason}`, { file: origin.file, line: origin.line, reason });
      }
      collect(item, origin, out, warnings);
    }
    return;
  }
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '' || typeof kind !== 'string' || kind === '') {
    warnings.push(`${where}: skipped: not a Kubernetes object (no apiVersion/kind)`);
    return;
  }
  out.push({ object: value as KubeObject, origin: { file: origin.file, document: origin.document } });
}

/** Parses a manifest file's text by extension (`.json` → JSON.parse, otherwise the go-yaml v2 reader). */
export function parseManifests(text: string, file: string): ParsedObjects {
  const objects: RenderedObject[] = [];
  const warnings: string[] = [];
  if (file.toLowerCase().endsWith('.json')) {
    // A .json file holds one value; Argo CD also reads it with a YAML-or-JSON decoder, i.e. one object (or a List).
    collect(readJson(text, file), { file, document: 0, line: 1 }, objects, warnings);
    return { objects, warnings };
  }
  const read = readYamlStream(text, file);
  warnings.push(...read.warnings);
  for (const doc of read.documents) {
    if (doc.value === null) continue;
    collect(doc.value, { file, document: doc.index, line: doc.line }, objects, warnings);
  }
  return { objects, warnings };
}
