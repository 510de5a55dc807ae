// JSON manifests: JSON.parse (fast, exact JSON grammar) plus the checks JSON.parse cannot make.
import { GenerateError } from '../types.js';
import { readYamlStream, type JsonValue } from './yaml-reader.js';

// Only a run of 16+ digits can be an integer beyond 2^53, so the exact token scan runs only then.
const LONG_DIGITS = /[0-9]{16}/;
const TOKENS = /"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/g;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** V8 does not always say where JSON broke; JSON is YAML flow syntax, so the YAML parser can point at the line. */
function yamlErrorLine(text: string): number | undefined {
  try {
    readYamlStream(text, 'json');
  } catch (err) {
    if (err instanceof GenerateError) return err.details.line;
  }
  return undefined;
}

/** Parses one JSON file; GenerateError names the file and line of a syntax error or an over-large integer. */
export function readJson(text: string, file: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const line = position?.[1] !== undefined ? lineAt(text, Number(position[1])) : yamlErrorLine(text);
    const reason = `malformed JSON: ${message.replace(/\s+/g, ' ')}`;
    if (line === undefined) throw new GenerateError(`${file}: ${reason}`, { file, reason });
    throw new GenerateError(`${file}:${line}: ${reason}`, { file, line, reason });
  }
  if (LONG_DIGITS.test(text)) {
    for (const match of text.matchAll(TOKENS)) {
      const token = match[0];
      if (token.startsWith('"') || /[.eE]/.test(token)) continue;
      const magnitude = BigInt(token.startsWith('-') ? token.slice(1) : token);
      if (magnitude > MAX_SAFE) {
        const line = lineAt(text, match.index);
        const reason = `integer ${token} is beyond ±2^53 and cannot be carried without losing precision; quote it if it is meant as a string`;
        throw new GenerateError(`${file}:${line}: ${reason}`, { file, line, reason });
      }
    }
  }
  return value;
}
