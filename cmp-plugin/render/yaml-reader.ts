// Reads a YAML stream into plain JSON data the way Argo CD and kubectl read it: sigs.k8s.io/yaml over go-yaml v2.
// The `yaml` library tokenizes and composes (failsafe schema: every scalar stays text); this file then builds the
// values with go-yaml v2's rules, which no library schema reproduces (see yaml-scalars.ts). Building the values
// ourselves also gives line numbers for every error and go-yaml's own alias-bomb limit.
import {
  LineCounter,
  parseAllDocuments,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Node,
  type ParsedNode,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { GenerateError } from '../types.js';
import { resolvePlain, type ResolvedScalar } from './yaml-scalars.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface YamlDocument {
  /** 0-based index of the document in the stream (empty documents count, as they do for `---` splitting). */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** null for empty and `null` documents, which Argo CD skips. */
  value: JsonValue;
}

export interface YamlReadResult {
  documents: YamlDocument[];
  warnings: string[];
}

const TAG = 'tag:yaml.org,2002:';
const STR_TAG = `${TAG}str`;
const INT_TAG = `${TAG}int`;
const FLOAT_TAG = `${TAG}float`;
const BOOL_TAG = `${TAG}bool`;
const NULL_TAG = `${TAG}null`;
const MAP_TAG = `${TAG}map`;
const SEQ_TAG = `${TAG}seq`;
const TIMESTAMP_TAG = `${TAG}timestamp`;

// go-yaml v2 decode.go: aliases may expand to at most this share of all decoded nodes (99% up to 400k nodes, falling
// to 10% at 4M), checked once there are more than 100 aliased and 1000 decoded nodes.
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

class DocumentReader {
  private readonly anchors = new Map<string, Node>();
  private readonly expanding = new Set<Node>();
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly warnings: string[],
  ) {}

  lineOf(node: { range?: [number, number, number] | null } | null | undefined): number {
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  fail(node: { range?: [number, number, number] | null } | null | undefined, reason: string): never {
    const line = this.lineOf(node);
    throw new GenerateError(`${this.file}:${line}: ${reason}`, { file: this.file, line, reason });
  }

  value(node: ParsedNode | Node | null): JsonValue {
    if (node === null) return null;
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      this.fail(node, 'document contains excessive aliasing (alias expansion bomb); refusing to expand it');
    }
    if (isAlias(node)) return this.alias(node);
    // Anchors are registered before their content so a self-reference is seen (and refused) below.
    if (node.anchor) this.anchors.set(node.anchor, node);
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) return this.mapping(node, {});
    if (isSeq(node)) return this.sequence(node);
    return this.fail(node, 'unsupported YAML node');
  }

  private alias(node: Alias): JsonValue {
    const target = this.anchors.get(node.source);
    if (!target) return this.fail(node, `unknown anchor '${node.source}' referenced`);
    if (this.expanding.has(target)) return this.fail(node, `anchor '${node.source}' value contains itself`);
    this.expanding.add(target);
    this.aliasDepth++;
    try {
      // Re-read the anchored node (as go-yaml does) so every alias yields an independent copy.
      return this.valueWithoutAnchor(target);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(target);
    }
  }

  private valueWithoutAnchor(node: Node): JsonValue {
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) return this.mapping(node, {});
    if (isSeq(node)) return this.sequence(node);
    if (isAlias(node)) return this.alias(node);
    return this.fail(node, 'unsupported YAML node');
  }

  private scalar(node: Scalar): JsonValue {
    const resolved = this.resolveScalar(node);
    switch (resolved.kind) {
      case 'string':
        return resolved.value;
      case 'null':
        return null;
      case 'bool':
      case 'int':
        return resolved.value;
      case 'big-int':
        return this.fail(
          node,
          `integer ${resolved.value} is beyond ±2^53 and cannot be carried without losing precision; quote it if it is meant as a string`,
        );
      case 'float':
        if (!Number.isFinite(resolved.value)) {
          // sigs.k8s.io/yaml hands the float to encoding/json, which refuses NaN and ±Inf.
          return this.fail(node, `${String(node.value)} (${resolved.value}) cannot be represented in JSON; quote it`);
        }
        return resolved.value;
    }
  }

  private resolveScalar(node: Scalar): ResolvedScalar {
    const text = typeof node.value === 'string' ? node.value : String(node.source ?? node.value);
    const tag = node.tag;
    const plain = node.type === 'PLAIN' || node.type === undefined;
    if (tag === undefined) return plain ? resolvePlain(text) : { kind: 'string', value: text };
    // go-yaml v2 hands timestamps to interface{} targets as their original text.
    if (tag === STR_TAG || tag === TIMESTAMP_TAG || tag === '!') return { kind: 'string', value: text };
    const expected = { [INT_TAG]: 'int', [FLOAT_TAG]: 'float', [BOOL_TAG]: 'bool', [NULL_TAG]: 'null' }[tag];
    if (expected !== undefined) {
      const resolved = resolvePlain(text);
      const kind = resolved.kind === 'big-int' ? 'int' : resolved.kind;
      if (kind === expected) return resolved;
      if (expected === 'float' && resolved.kind === 'int') return { kind: 'float', value: resolved.value };
      return this.fail(node, `cannot decode ${JSON.stringify(text)} as ${tag.replace(TAG, '!!')}`);
    }
    if (tag.startsWith(TAG)) {
      return this.fail(node, `unsupported tag ${tag.replace(TAG, '!!')} (Kubernetes manifests are plain JSON data)`);
    }
    // go-yaml v2 returns the text of a scalar with an unknown (local) tag.
    return { kind: 'string', value: text };
  }

  private checkCollectionTag(node: YAMLMap | YAMLSeq, expected: string): void {
    const tag = node.tag;
    if (tag === undefined || tag === expected || tag === '!' || !tag.startsWith(TAG)) return;
    this.fail(node, `tag ${tag.replace(TAG, '!!')} does not fit a ${expected === MAP_TAG ? 'mapping' : 'sequence'}`);
  }

  private sequence(node: YAMLSeq): JsonValue[] {
    this.checkCollectionTag(node, SEQ_TAG);
    const out: JsonValue[] = [];
    for (const item of node.items) out.push(this.value(item as Node | null));
    return out;
  }

  private mapping(node: YAMLMap, out: { [key: string]: JsonValue }): { [key: string]: JsonValue } {
    this.checkCollectionTag(node, MAP_TAG);
    const explicit = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN' && keyNode.tag === undefined) {
        this.merge(pair.value as Node | null, out, keyNode);
        continue;
      }
      const key = this.key(keyNode, node);
      if (explicit.has(key)) {
        this.warnings.push(
          `${this.file}:${this.lineOf(keyNode)}: duplicate key ${JSON.stringify(key)}; the last value wins (as in sigs.k8s.io/yaml)`,
        );
      }
      explicit.add(key);
      setKey(out, key, this.value(pair.value as Node | null));
    }
    return out;
  }

  // go-yaml v2 merges in document order into the same map, so a later `<<` overrides earlier explicit keys; a
  // sequence of maps is applied last to first, so earlier maps take precedence.
  private merge(value: Node | null, out: { [key: string]: JsonValue }, at: Node): void {
    const target = (n: Node | null): Node | null => (isAlias(n) ? (this.anchors.get(n.source) ?? null) : n);
    const mergeOne = (n: Node | null): void => {
      const resolved = target(n);
      if (!isMap(resolved)) this.fail(n ?? at, 'map merge requires map or sequence of maps as the value');
      const merged = this.value(n);
      if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
        this.fail(n ?? at, 'map merge requires map or sequence of maps as the value');
      }
      for (const [k, v] of Object.entries(merged)) setKey(out, k, v);
    };
    if (isSeq(value)) {
      this.decodeCount++;
      for (let i = value.items.length - 1; i >= 0; i--) mergeOne(value.items[i] as Node | null);
    } else {
      mergeOne(value);
    }
  }

  // sigs.k8s.io/yaml turns non-string keys into strings: ints in decimal, bools as true/false; others fail.
  private key(node: Node | null, parent: YAMLMap): string {
    if (node === null) return this.fail(parent, 'mapping key is null, which JSON objects cannot hold');
    const value = this.value(node);
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    if (value === null) return this.fail(node, 'mapping key is null, which JSON objects cannot hold');
    return this.fail(node, `unsupported mapping key ${JSON.stringify(value)}: keys must be strings, integers or booleans`);
  }
}

/** Assigns without ever touching the prototype (a `__proto__` key is data here). */
export function setKey(out: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/**
 * Parses every document of a YAML stream. Throws GenerateError naming `file` and the line for malformed YAML,
 * unsupported tags, integers beyond ±2^53, NaN/Inf and alias bombs.
 */
export function readYamlStream(text: string, file: string): YamlReadResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    schema: 'failsafe',
    // Duplicates are resolved below, last one winning, as go-yaml v2 does.
    uniqueKeys: false,
    prettyErrors: false,
  });
  const warnings: string[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  const documents: YamlDocument[] = [];
  list.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) {
      // An unclosed collection is reported at end of input; name the last line of the file rather than one past it.
      const lastLine = text.replace(/\n+$/, '').split('\n').length;
      const line = Math.min(lines.linePos(error.pos[0]).line, lastLine);
      const reason = error.message.split('\n')[0] ?? error.message;
      throw new GenerateError(`${file}:${line}: malformed YAML: ${reason}`, { file, line, reason });
    }
    const reader = new DocumentReader(file, lines, warnings);
    let value: JsonValue;
    try {
      value = reader.value(doc.contents);
    } catch (err) {
      if (err instanceof RangeError) {
        const line = reader.lineOf(doc.contents);
        const reason = 'document is nested too deeply to read';
        throw new GenerateError(`${file}:${line}: ${reason}`, { file, line, reason });
      }
      throw err;
    }
    documents.push({ index, line: reader.lineOf(doc.contents), value });
  });
  return { documents, warnings };
}
