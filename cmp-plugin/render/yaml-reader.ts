// Reads a YAML stream into plain JSON data the way Argo CD and kubectl read it: sigs.k8s.io/yaml over go-yaml v2.
// js-yaml's event parser does the syntax (a flat event list with source offsets, no tree: about 5× faster than the
// `yaml` library's composer); this file builds the values with go-yaml v2's rules, which no library schema reproduces
// (see yaml-scalars.ts). Building the values ourselves also gives line numbers for every error and go-yaml's own
// alias-bomb limit.
import {
  CHOMPING_MODE,
  COLLECTION_STYLE,
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
import { isGoTimestamp, resolvePlain, type ResolvedScalar } from './yaml-scalars.js';

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
const TIMESTAMP_TAG = `${TAG}timestamp`;
const BINARY_TAG = `${TAG}binary`;
const SET_TAG = `${TAG}set`;
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

// libyaml (go-yaml v2) anchor and alias names: ASCII letters, digits, `-` and `_` only.
const ANCHOR_NAME = /^[0-9A-Za-z_-]+$/;
// A block scalar header at the end of its line; group 1 or 2 is an explicit indentation indicator.
const BLOCK_HEADER = /(?<=^|[ \t])[|>](?:([1-9])[-+]?|[-+]([1-9])?)?(?:[ \t]+#.*)?[ \t]*$/;
// An escaping backslash at the end of a line, followed by empty lines.
const ESCAPED_BREAK_THEN_EMPTY = /\\(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r(?!\n)|\n)/;
const ESCAPED_BREAKS = /(?<!\\)((?:\\\\)*)\\(\r\n|\r(?!\n)|\n)((?:[ \t]*(?:\r\n|\r(?!\n)|\n))+)/g;
// NEL, LS and PS: line breaks to libyaml (YAML 1.1), which handles them inconsistently; content to js-yaml.
const YAML11_BREAK = /[\u0085\u2028\u2029]/;

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || Number.isNaN(code);
}

/**
 * A scalar's value. Unlike js-yaml, libyaml keeps no final line break for a block scalar (clip or keep) whose last
 * content line ends the input without one: `a: |\n  x` is "x" in go-yaml.
 */
function scalarValue(source: string, event: ScalarEvent): string {
  if (event.style === SCALAR_STYLE.DOUBLE_QUOTED && !event.fast) {
    const raw = source.slice(event.valueStart, event.valueEnd);
    if (ESCAPED_BREAK_THEN_EMPTY.test(raw)) {
      // js-yaml drops the empty lines after an escaped line break; YAML (and libyaml) keeps each as "\n". Spell
      // them as `\n` escapes before the escaped break, which js-yaml then decodes right.
      const fixed = raw.replace(ESCAPED_BREAKS, (_m, backslashes: string, brk: string, empty: string) => {
        const count = empty.match(/\r\n|\r|\n/g)?.length ?? 0;
        return `${backslashes}${'\\n'.repeat(count)}\\${brk}`;
      });
      return getScalarValue(fixed, { ...event, valueStart: 0, valueEnd: fixed.length });
    }
  }
  const value = getScalarValue(source, event);
  if (
    (event.style === SCALAR_STYLE.LITERAL_BLOCK || event.style === SCALAR_STYLE.FOLDED_BLOCK) &&
    event.chomping !== CHOMPING_MODE.STRIP &&
    event.indent >= 0 &&
    event.valueEnd === source.length &&
    value.endsWith('\n')
  ) {
    const lastBreak = Math.max(source.lastIndexOf('\n'), source.lastIndexOf('\r'));
    if (lastBreak === source.length - 1) return value;
    const lastLine = source.slice(lastBreak + 1);
    let column = 0;
    while (column < event.indent && lastLine.charCodeAt(column) === 0x20) column++;
    if (column < lastLine.length) return value.slice(0, -1);
  }
  return value;
}

/** The first escape in a double-quoted scalar's source that go-yaml v2 refuses (js-yaml accepts them), if any. */
function escapeGoRefuses(raw: string): string | undefined {
  for (let i = raw.indexOf('\\'); i !== -1; i = raw.indexOf('\\', i + 2)) {
    const c = raw[i + 1];
    // `\/` is YAML 1.2 only.
    if (c === '/') return '\\/';
    const digits = c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (digits > 0) {
      // Surrogates and code points beyond U+10FFFF: "found invalid Unicode character escape code".
      const code = Number.parseInt(raw.slice(i + 2, i + 2 + digits), 16);
      if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return raw.slice(i, i + 2 + digits);
    }
  }
  return undefined;
}

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
  /** go-yaml counts the document node too. */
  private decodeCount = 1;
  private aliasCount = 0;
  private aliasDepth = 0;
  private depth = 0;
  /** Flow collections open around the node being read lexically (0 while an alias re-reads its anchor). */
  private flow = 0;
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
      const name = this.text.slice(event.anchorStart, event.anchorEnd);
      if (!ANCHOR_NAME.test(name)) this.badAnchorName(index, name);
      this.anchors.set(name, index);
    }
    if (event.tagStart !== NO_RANGE && this.aliasDepth === 0) this.checkTagEnd(index, event.tagEnd);
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

  private badAnchorName(index: number, name: string): never {
    return this.fail(
      index,
      `anchor name '${name}' has characters go-yaml does not accept (only ASCII letters, digits, '-' and '_')`,
    );
  }

  // libyaml needs a blank after a tag (it reads `,[]` as part of the tag, and refuses anything else).
  private checkTagEnd(index: number, tagEnd: number): void {
    if (!isBlank(this.text.charCodeAt(tagEnd))) {
      this.fail(index, `a tag must be followed by a space or line break in go-yaml (found ${JSON.stringify(this.text[tagEnd])})`);
    }
  }

  private alias(index: number, event: AliasEvent): JsonValue {
    let target = this.aliasTargets.get(index);
    if (target === undefined) {
      const name = this.text.slice(event.anchorStart, event.anchorEnd);
      if (!ANCHOR_NAME.test(name)) this.badAnchorName(index, name);
      target = this.anchors.get(name);
      if (target === undefined) return this.fail(index, `unknown anchor '${name}' referenced`);
      this.aliasTargets.set(index, target);
    }
    if (this.expanding.has(target)) {
      return this.fail(index, `anchor '${this.text.slice(event.anchorStart, event.anchorEnd)}' value contains itself`);
    }
    this.expanding.add(target);
    this.aliasDepth++;
    const flow = this.flow;
    this.flow = 0;
    try {
      // Re-read the anchored node (as go-yaml does) so every alias yields an independent copy.
      return this.node(target);
    } finally {
      this.flow = flow;
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
          const text = scalarValue(this.text, event);
          return this.fail(index, `${text} (${resolved.value}) cannot be represented in JSON; quote it`);
        }
        return resolved.value;
    }
  }

  private resolveScalar(index: number, event: ScalarEvent): ResolvedScalar {
    if (!event.fast || this.flow > 0) this.checkScalarSyntax(index, event);
    const text = scalarValue(this.text, event);
    const tag = this.tagOf(event);
    if (tag === undefined) return event.style === SCALAR_STYLE.PLAIN ? resolvePlain(text) : { kind: 'string', value: text };
    if (tag === STR_TAG || tag === '!') return { kind: 'string', value: text };
    // go-yaml v2 hands timestamps to interface{} targets as their original text, once time.Parse accepts them.
    if (tag === TIMESTAMP_TAG) {
      if (isGoTimestamp(text)) return { kind: 'string', value: text };
      return this.fail(index, `cannot decode ${JSON.stringify(text)} as !!timestamp`);
    }
    const expected = EXPECTED_KIND[tag];
    if (expected !== undefined) {
      const resolved = resolvePlain(text);
      const kind = resolved.kind === 'big-int' ? 'int' : resolved.kind;
      if (kind === expected) return resolved;
      if (expected === 'float' && resolved.kind === 'int') return { kind: 'float', value: resolved.value };
      return this.fail(index, `cannot decode ${JSON.stringify(text)} as ${tag.replace(TAG, '!!')}`);
    }
    if (tag === BINARY_TAG) {
      return this.fail(index, 'unsupported tag !!binary (Kubernetes manifests are plain JSON data)');
    }
    // go-yaml v2 returns the text of a scalar with any other tag (local ones, and !!merge, !!seq, !!omap, ...).
    return { kind: 'string', value: text };
  }

  /** Scalar syntax js-yaml (YAML 1.2) accepts but go-yaml v2 (libyaml, YAML 1.1) refuses. */
  private checkScalarSyntax(index: number, event: ScalarEvent): void {
    if (event.valueStart === NO_RANGE) return;
    switch (event.style) {
      case SCALAR_STYLE.DOUBLE_QUOTED: {
        const escape = escapeGoRefuses(this.text.slice(event.valueStart, event.valueEnd));
        if (escape !== undefined) this.fail(index, `go-yaml v2 refuses the escape ${escape} in a double-quoted string`);
        return;
      }
      case SCALAR_STYLE.PLAIN:
        // Inside flow collections libyaml ends a plain scalar at `?`, and what follows cannot parse.
        if (this.flow > 0 && this.aliasDepth === 0 && this.text.slice(event.valueStart, event.valueEnd).includes('?')) {
          this.fail(index, "go-yaml v2 cannot read a '?' inside an unquoted string in a flow collection; quote it");
        }
        return;
      case SCALAR_STYLE.LITERAL_BLOCK:
      case SCALAR_STYLE.FOLDED_BLOCK:
        this.checkBlockIndentation(index, event);
        return;
    }
  }

  // While libyaml detects a block scalar's indentation (no indicator), a tab after the leading spaces of the blank
  // lines or of the first content line is an error; js-yaml takes the tab as content.
  private checkBlockIndentation(index: number, event: ScalarEvent): void {
    let headerEnd = event.valueStart;
    if (this.text.charCodeAt(headerEnd - 1) === 0x0a) headerEnd--;
    if (this.text.charCodeAt(headerEnd - 1) === 0x0d) headerEnd--;
    const headerStart = Math.max(this.text.lastIndexOf('\n', headerEnd - 1), this.text.lastIndexOf('\r', headerEnd - 1)) + 1;
    const header = BLOCK_HEADER.exec(this.text.slice(headerStart, headerEnd));
    if (header === null || header[1] !== undefined || header[2] !== undefined) return;
    for (let i = event.valueStart; i < event.valueEnd; ) {
      while (this.text.charCodeAt(i) === 0x20) i++;
      const c = this.text.charCodeAt(i);
      if (c === 0x09) this.fail(index, 'found a tab character where an indentation space is expected (go-yaml v2)');
      if (c !== 0x0a && c !== 0x0d) return;
      i += c === 0x0d && this.text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
    }
  }

  // go-yaml v2 ignores tags on collections; `!!set` we refuse (a set is no JSON value).
  private checkCollectionTag(index: number, event: SequenceEvent | MappingEvent): void {
    if (event.tagStart !== NO_RANGE && this.tagOf(event) === SET_TAG) {
      this.fail(index, 'unsupported tag !!set (Kubernetes manifests are plain JSON data)');
    }
  }

  private enter(index: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(index, `document is nested deeper than ${MAX_DEPTH} levels, as go-yaml refuses`);
  }

  private sequence(index: number, event: SequenceEvent): JsonValue[] {
    this.checkCollectionTag(index, event);
    this.enter(index);
    const flow = event.style === COLLECTION_STYLE.FLOW;
    if (flow) this.flow++;
    const out: JsonValue[] = [];
    let i = index + 1;
    while (this.events[i]?.type !== EVENT_ID.POP) {
      const item = this.events[i] as NodeEvent;
      // `[a:]`: js-yaml reads a single-pair map {a: null}, go-yaml the plain scalar "a:".
      if (
        flow &&
        item.type === EVENT_ID.MAPPING &&
        this.text.charCodeAt(item.start) !== 0x7b /* { */ &&
        this.colonGlued(i + 1)
      ) {
        this.decodeCount++;
        if (this.aliasDepth > 0) this.aliasCount++;
        out.push(`${scalarValue(this.text, this.events[i + 1] as ScalarEvent)}:`);
        i += 4; // MAPPING, key, empty value, POP
        continue;
      }
      out.push(this.node(i));
      i = this.next;
    }
    if (flow) this.flow--;
    this.depth--;
    this.next = i + 1;
    return out;
  }

  /**
   * True for a plain scalar in a flow collection glued to a following `:` and `,`, `]` or `}`: libyaml ends plain
   * scalars only at `: ` (and `,[]{}?` in flow), so it reads `a:` there as the string "a:" (with no value), where
   * js-yaml reads key `a` with an empty value. Refuses `a:[` and `a:{`, which go-yaml cannot read, and the anchored or
   * non-string-tagged form.
   */
  private colonGlued(keyIndex: number): boolean {
    const key = this.events[keyIndex] as NodeEvent;
    if (
      key.type !== EVENT_ID.SCALAR ||
      key.style !== SCALAR_STYLE.PLAIN ||
      key.valueStart === NO_RANGE ||
      this.text.charCodeAt(key.valueEnd) !== 0x3a /* : */
    ) {
      return false;
    }
    const after = this.text[key.valueEnd + 1];
    const glued = after === ',' || after === ']' || after === '}';
    // An anchored one would need its anchor re-pointed; a tag other than a string one cannot decode "a:".
    const tag = this.tagOf(key);
    const stringTag = tag === undefined || tag === STR_TAG || !tag.startsWith(TAG);
    if (after === '[' || after === '{' || (glued && (key.anchorStart !== NO_RANGE || !stringTag))) {
      this.fail(
        keyIndex,
        `go-yaml v2 reads ${JSON.stringify(`${scalarValue(this.text, key)}:${after ?? ''}`)} differently in a flow collection; put a space after the ':'`,
      );
    }
    return glued;
  }

  private mapping(
    index: number,
    event: MappingEvent,
    out: { [key: string]: JsonValue },
  ): { [key: string]: JsonValue } {
    this.checkCollectionTag(index, event);
    this.enter(index);
    const flow = event.style === COLLECTION_STYLE.FLOW;
    if (flow) this.flow++;
    const explicit = new Set<string>();
    let i = index + 1;
    while (this.events[i]?.type !== EVENT_ID.POP) {
      const keyIndex = i;
      const keyEvent = this.events[i] as NodeEvent;
      if (flow && this.colonGlued(keyIndex)) {
        // `{a:, b}`: go-yaml's key is "a:" (its value null).
        this.node(keyIndex);
        const key = `${scalarValue(this.text, keyEvent as ScalarEvent)}:`;
        setKey(out, key, this.node(this.next));
        explicit.add(key);
        i = this.next;
        continue;
      }
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
    if (flow) this.flow--;
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
    // go-yaml does not decode (or count) the sequence node itself, only its items.
    const items: number[] = [];
    let i = index + 1;
    while (this.events[i]?.type !== EVENT_ID.POP) {
      items.push(i);
      i = this.skip(i);
    }
    this.bindInOrder(index, i);
    for (let k = items.length - 1; k >= 0; k--) mergeOne(items[k] as number);
    this.bindInOrder(index, i);
    return i + 1;
  }

  // go-yaml binds anchors and aliases while parsing, in document order. A merge sequence is read last to first, so
  // its anchors and aliases are bound in document order before (and the anchors restored to that order after).
  private bindInOrder(from: number, to: number): void {
    if (this.aliasDepth > 0) return;
    for (let i = from; i < to; i++) {
      const event = this.events[i] as NodeEvent;
      if (event.type === EVENT_ID.ALIAS) {
        if (this.aliasTargets.has(i)) continue;
        const target = this.anchors.get(this.text.slice(event.anchorStart, event.anchorEnd));
        if (target !== undefined) this.aliasTargets.set(i, target);
      } else if (
        (event.type === EVENT_ID.SCALAR || event.type === EVENT_ID.SEQUENCE || event.type === EVENT_ID.MAPPING) &&
        event.anchorStart !== NO_RANGE
      ) {
        const name = this.text.slice(event.anchorStart, event.anchorEnd);
        if (!ANCHOR_NAME.test(name)) this.badAnchorName(i, name);
        this.anchors.set(name, i);
      }
    }
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
 * unsupported tags, integers beyond ±2^53, NaN/Inf, alias bombs, and syntax js-yaml accepts but go-yaml v2 refuses.
 */
export function readYamlStream(text: string, file: string): YamlReadResult {
  const lines = new Lines(text);
  const odd = YAML11_BREAK.exec(text);
  if (odd !== null) {
    const line = lines.lineOf(odd.index);
    const code = `U+${(odd[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    const reason = `raw ${code} is a line break to go-yaml v2 (YAML 1.1), which reads it inconsistently; write it as an escape in a double-quoted string`;
    throw new GenerateError(`${file}:${line}: ${reason}`, { file, line, reason });
  }
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
