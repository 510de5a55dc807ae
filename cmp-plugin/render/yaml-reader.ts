// Reads a YAML stream into plain JSON data the way Argo CD and kubectl read it: sigs.k8s.io/yaml over go-yaml v2.
// js-yaml's event parser does the syntax (a flat event list with source offsets, no tree: about 5× faster than the
// `yaml` library's composer); this file builds the values with go-yaml v2's rules, which no library schema reproduces
// (see yaml-scalars.ts). Building the values ourselves also gives line numbers for every error and go-yaml's own
// alias-bomb limit.
import {
  EVENT_ID,
  SCALAR_STYLE,
  YAMLException,
  getScalarValue,
  parseEvents,
  type AliasEvent,
  type DocumentDirective,
  type Event,
  type MappingEvent,
  type ScalarEvent,
  type SequenceEvent,
} from 'js-yaml';
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
const EXPECTED_KIND: Readonly<Record<string, ResolvedScalar['kind']>> = {
  [INT_TAG]: 'int',
  [FLOAT_TAG]: 'float',
  [BOOL_TAG]: 'bool',
  [NULL_TAG]: 'null',
};
const NO_RANGE = -1;
// go-yaml v2 refuses nesting beyond this ("exceeded max depth of 10000").
const MAX_DEPTH = 10_000;

type NodeEvent = ScalarEvent | SequenceEvent | MappingEvent | AliasEvent;
type Position = number;

// go-yaml v2 decode.go: aliases may expand to at most this share of all decoded nodes (99% up to 400k nodes, falling
// to 10% at 4M), checked once there are more than 100 aliased and 1000 decoded nodes.
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

/** 1-based line of a source offset, from a table of line starts built once per stream. */
class Lines {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  lineOf(offset: Position): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function positionOf(event: NodeEvent | undefined): Position {
  if (!event) return 0;
  if (event.anchorStart !== NO_RANGE) return event.anchorStart;
  if (event.type === EVENT_ID.ALIAS) return 0;
  if (event.tagStart !== NO_RANGE) return event.tagStart;
  if (event.type === EVENT_ID.SCALAR) return event.valueStart === NO_RANGE ? 0 : event.valueStart;
  return event.start;
}

/** A tag as written (`!!str`, `!local`, `!e!x`, `!<verbatim>`) expanded with the document's %TAG directives. */
function fullTag(raw: string, directives: readonly DocumentDirective[]): string {
  if (raw.startsWith('!<') && raw.endsWith('>')) return decodeURIComponent(raw.slice(2, -1));
  const handleEnd = raw.indexOf('!', 1);
  const handle = handleEnd === -1 ? '!' : raw.slice(0, handleEnd + 1);
  let prefix: string = handle === '!!' ? TAG : handle;
  for (const d of directives) if (d.kind === 'tag' && d.handle === handle) prefix = d.prefix;
  return decodeURIComponent(prefix + raw.slice(handle.length));
}

class DocumentReader {
  /** Anchor name → index of the anchored node's event, as defined so far in document order. */
  private readonly anchors = new Map<string, number>();
  /** Alias event index → anchored node index, fixed when first read (go-yaml resolves aliases while parsing). */
  private readonly aliasTargets = new Map<number, number>();
  private readonly expanding = new Set<number>();
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private depth = 0;
  /** Index just past the node the last node() call read (a field, not a returned tuple: this is the hot path). */
  next = 0;

  constructor(
    private readonly text: string,
    private readonly events: readonly Event[],
    private readonly directives: readonly DocumentDirective[],
    private readonly file: string,
    private readonly lines: Lines,
    private readonly warnings: string[],
  ) {}

  lineAt(index: number): number {
    return this.lines.lineOf(positionOf(this.events[index] as NodeEvent | undefined));
  }

  fail(index: number, reason: string): never {
    const line = this.lineAt(index);
    throw new GenerateError(`${this.file}:${line}: ${reason}`, { file: this.file, line, reason });
  }

  /** Reads the node starting at `index`; returns its value and leaves `next` just past it. */
  node(index: number): JsonValue {
    const event = this.events[index] as NodeEvent;
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      this.fail(index, 'document contains excessive aliasing (alias expansion bomb); refusing to expand it');
    }
    if (event.type === EVENT_ID.ALIAS) {
      const value = this.alias(index, event);
      this.next = index + 1;
      return value;
    }
    // Anchors are registered before their content so a self-reference is seen (and refused) by alias().
    if (event.anchorStart !== NO_RANGE && this.aliasDepth === 0) {
      this.anchors.set(this.text.slice(event.anchorStart, event.anchorEnd), index);
    }
    switch (event.type) {
      case EVENT_ID.SCALAR:
        this.next = index + 1;
        return this.scalar(index, event);
      case EVENT_ID.SEQUENCE:
        return this.sequence(index, event);
      case EVENT_ID.MAPPING:
        return this.mapping(index, event, {});
      default:
        return this.fail(index, 'unsupported YAML node');
    }
  }

  private alias(index: number, event: AliasEvent): JsonValue {
    let target = this.aliasTargets.get(index);
    if (target === undefined) {
      const name = this.text.slice(event.anchorStart, event.anchorEnd);
      target = this.anchors.get(name);
      if (target === undefined) return this.fail(index, `unknown anchor '${name}' referenced`);
      this.aliasTargets.set(index, target);
    }
    if (this.expanding.has(target)) {
      return this.fail(index, `anchor '${this.text.slice(event.anchorStart, event.anchorEnd)}' value contains itself`);
    }
    this.expanding.add(target);
    this.aliasDepth++;
    try {
      // Re-read the anchored node (as go-yaml does) so every alias yields an independent copy.
      return this.node(target);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(target);
    }
  }

  private tagOf(event: ScalarEvent | SequenceEvent | MappingEvent): string | undefined {
    if (event.tagStart === NO_RANGE) return undefined;
    const raw = this.text.slice(event.tagStart, event.tagEnd);
    return raw === '!' ? '!' : fullTag(raw, this.directives);
  }

  private scalar(index: number, event: ScalarEvent): JsonValue {
    const resolved = this.resolveScalar(index, event);
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
          index,
          `integer ${resolved.value} is beyond ±2^53 and cannot be carried without losing precision; quote it if it is meant as a string`,
        );
      case 'float':
        if (!Number.isFinite(resolved.value)) {
          // sigs.k8s.io/yaml hands the float to encoding/json, which refuses NaN and ±Inf.
          const text = getScalarValue(this.text, event);
          return this.fail(index, `${text} (${resolved.value}) cannot be represented in JSON; quote it`);
        }
        return resolved.value;
    }
  }

  private resolveScalar(index: number, event: ScalarEvent): ResolvedScalar {
    const text = getScalarValue(this.text, event);
    const tag = this.tagOf(event);
    if (tag === undefined) return event.style === SCALAR_STYLE.PLAIN ? resolvePlain(text) : { kind: 'string', value: text };
    // go-yaml v2 hands timestamps to interface{} targets as their original text.
    if (tag === STR_TAG || tag === TIMESTAMP_TAG || tag === '!') return { kind: 'string', value: text };
    const expected = EXPECTED_KIND[tag];
    if (expected !== undefined) {
      const resolved = resolvePlain(text);
      const kind = resolved.kind === 'big-int' ? 'int' : resolved.kind;
      if (kind === expected) return resolved;
      if (expected === 'float' && resolved.kind === 'int') return { kind: 'float', value: resolved.value };
      return this.fail(index, `cannot decode ${JSON.stringify(text)} as ${tag.replace(TAG, '!!')}`);
    }
    if (tag.startsWith(TAG)) {
      return this.fail(index, `unsupported tag ${tag.replace(TAG, '!!')} (Kubernetes manifests are plain JSON data)`);
    }
    // go-yaml v2 returns the text of a scalar with an unknown (local) tag.
    return { kind: 'string', value: text };
  }

  private checkCollectionTag(index: number, event: SequenceEvent | MappingEvent, expected: string): void {
    const tag = this.tagOf(event);
    if (tag === undefined || tag === expected || tag === '!' || !tag.startsWith(TAG)) return;
    this.fail(index, `tag ${tag.replace(TAG, '!!')} does not fit a ${expected === MAP_TAG ? 'mapping' : 'sequence'}`);
  }

  private enter(index: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(index, `document is nested deeper than ${MAX_DEPTH} levels, as go-yaml refuses`);
  }

  private sequence(index: number, event: SequenceEvent): JsonValue[] {
    this.checkCollectionTag(index, event, SEQ_TAG);
    this.enter(index);
    const out: JsonValue[] = [];
    let i = index + 1;
    while (this.events[i]?.type !== EVENT_ID.POP) {
      out.push(this.node(i));
      i = this.next;
    }
    this.depth--;
    this.next = i + 1;
    return out;
  }

  private mapping(
    index: number,
    event: MappingEvent,
    out: { [key: string]: JsonValue },
  ): { [key: string]: JsonValue } {
    this.checkCollectionTag(index, event, MAP_TAG);
    this.enter(index);
    const explicit = new Set<string>();
    let i = index + 1;
    while (this.events[i]?.type !== EVENT_ID.POP) {
      const keyIndex = i;
      const keyEvent = this.events[i] as NodeEvent;
      if (
        keyEvent.type === EVENT_ID.SCALAR &&
        keyEvent.style === SCALAR_STYLE.PLAIN &&
        keyEvent.tagStart === NO_RANGE &&
        getScalarValue(this.text, keyEvent) === '<<'
      ) {
        i = this.merge(i + 1, out, keyIndex);
        continue;
      }
      const key = this.key(keyIndex);
      if (explicit.has(key)) {
        this.warnings.push(
          `${this.file}:${this.lineAt(keyIndex)}: duplicate key ${JSON.stringify(key)}; the last value wins (as in sigs.k8s.io/yaml)`,
        );
      }
      explicit.add(key);
      setKey(out, key, this.node(this.next));
      i = this.next;
    }
    this.depth--;
    this.next = i + 1;
    return out;
  }

  /** Index of the anchored node an alias at `index` points to, or `index` itself for any other node. */
  private targetOf(index: number): number {
    const event = this.events[index] as NodeEvent;
    if (event.type !== EVENT_ID.ALIAS) return index;
    return this.aliasTargets.get(index) ?? this.anchors.get(this.text.slice(event.anchorStart, event.anchorEnd)) ?? index;
  }

  // go-yaml v2 merges in document order into the same map, so a later `<<` overrides earlier explicit keys; a
  // sequence of maps is applied last to first, so earlier maps take precedence. Returns the index past the value.
  private merge(index: number, out: { [key: string]: JsonValue }, at: number): number {
    const refused = 'map merge requires map or sequence of maps as the value';
    const mergeOne = (i: number): number => {
      if (this.events[this.targetOf(i)]?.type !== EVENT_ID.MAPPING) this.fail(i === index ? at : i, refused);
      const merged = this.node(i);
      const next = this.next;
      if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) this.fail(i, refused);
      for (const [k, v] of Object.entries(merged)) setKey(out, k, v);
      return next;
    };
    const event = this.events[index] as NodeEvent;
    if (event.type !== EVENT_ID.SEQUENCE) return mergeOne(index);
    this.decodeCount++;
    const items: number[] = [];
    let i = index + 1;
    while (this.events[i]?.type !== EVENT_ID.POP) {
      items.push(i);
      i = this.skip(i);
    }
    for (let k = items.length - 1; k >= 0; k--) mergeOne(items[k] as number);
    return i + 1;
  }

  /** Index just past the node at `index`, without reading it. */
  private skip(index: number): number {
    let open = 0;
    let i = index;
    do {
      const type = this.events[i]?.type;
      if (type === EVENT_ID.SEQUENCE || type === EVENT_ID.MAPPING) open++;
      else if (type === EVENT_ID.POP) open--;
      i++;
    } while (open > 0);
    return i;
  }

  // sigs.k8s.io/yaml turns non-string keys into strings: ints in decimal, bools as true/false; others fail.
  private key(index: number): string {
    const value = this.node(index);
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    if (value === null) return this.fail(index, 'mapping key is null, which JSON objects cannot hold');
    return this.fail(index, `unsupported mapping key ${JSON.stringify(value)}: keys must be strings, integers or booleans`);
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

function parseFailure(text: string, file: string, lines: Lines, err: YAMLException): GenerateError {
  // An unclosed collection is reported at end of input; name the last line of the file rather than one past it.
  const lastLine = lines.lineOf(text.replace(/\n+$/, '').length);
  const line = Math.min((err.mark?.line ?? 0) + 1, lastLine);
  const reason = err.reason || err.message.split('\n')[0] || 'unreadable YAML';
  return new GenerateError(`${file}:${line}: malformed YAML: ${reason}`, { file, line, reason });
}

/**
 * Parses every document of a YAML stream. Throws GenerateError naming `file` and the line for malformed YAML,
 * unsupported tags, integers beyond ±2^53, NaN/Inf and alias bombs.
 */
export function readYamlStream(text: string, file: string): YamlReadResult {
  const lines = new Lines(text);
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch (err) {
    if (err instanceof YAMLException) throw parseFailure(text, file, lines, err);
    if (err instanceof RangeError) {
      const reason = 'document is nested too deeply to read';
      throw new GenerateError(`${file}:1: ${reason}`, { file, line: 1, reason });
    }
    throw err;
  }
  const warnings: string[] = [];
  const documents: YamlDocument[] = [];
  let i = 0;
  while (i < events.length) {
    const doc = events[i];
    if (doc?.type !== EVENT_ID.DOCUMENT) throw new Error(`js-yaml event ${i} is not a document start`);
    const reader = new DocumentReader(text, events, doc.directives, file, lines, warnings);
    const index = documents.length;
    if (events[i + 1]?.type === EVENT_ID.POP) {
      documents.push({ index, line: 1, value: null });
      i += 2;
      continue;
    }
    let value: JsonValue;
    let next: number;
    try {
      value = reader.node(i + 1);
      next = reader.next;
    } catch (err) {
      if (err instanceof RangeError) {
        const line = reader.lineAt(i + 1);
        const reason = 'document is nested too deeply to read';
        throw new GenerateError(`${file}:${line}: ${reason}`, { file, line, reason });
      }
      if (err instanceof URIError) {
        const line = reader.lineAt(i + 1);
        const reason = 'a tag has a malformed %-escape';
        throw new GenerateError(`${file}:${line}: ${reason}`, { file, line, reason });
      }
      throw err;
    }
    documents.push({ index, line: reader.lineAt(i + 1), value });
    // Past the document's closing POP.
    i = next + 1;
  }
  return { documents, warnings };
}
