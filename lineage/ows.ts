// HTTP optional whitespace (RFC 9110 §5.6.3): SP and HTAB only. String#trim would also strip other whitespace,
// which the trace-context grammar must reject instead.

const isOws = (code: number): boolean => code === 0x20 || code === 0x09;

export function stripOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
