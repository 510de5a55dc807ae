// Reads the trace tree the demo prints (telemetry/trace-tree.ts format) back into spans, parents and links.
export interface PrintedLink {
  traceId: string;
  spanId: string;
  /** The linked span's name, or 'not in set'. */
  target: string;
}

export interface PrintedSpan {
  traceId: string;
  name: string;
  kind: string;
  parent?: PrintedSpan;
  links: PrintedLink[];
  line: string;
}

const TRACE = /^trace ([0-9a-f]{32}) \(/;
const SPAN = /^((?:│ {2}| {3})*)(?:├─|└─) (.+?) \[([A-Z]+)\] /;
const LINK = /↪ linked to ([0-9a-f]{32})\/([0-9a-f]{16}) \((.+)\)$/;

export function parseTree(text: string): PrintedSpan[] {
  const spans: PrintedSpan[] = [];
  let traceId = '';
  const stack: PrintedSpan[] = [];
  for (const line of text.split('\n')) {
    const trace = TRACE.exec(line);
    if (trace) {
      traceId = trace[1] as string;
      stack.length = 0;
      continue;
    }
    const link = LINK.exec(line);
    if (link) {
      spans.at(-1)?.links.push({ traceId: link[1] as string, spanId: link[2] as string, target: link[3] as string });
      continue;
    }
    const span = SPAN.exec(line);
    if (!span || !traceId) continue;
    const depth = (span[1] as string).length / 3;
    stack.length = depth;
    const parsed: PrintedSpan = { traceId, name: span[2] as string, kind: span[3] as string, links: [], line, ...(depth > 0 ? { parent: stack[depth - 1] } : {}) };
    stack.push(parsed);
    spans.push(parsed);
  }
  return spans;
}
