// Git trailers from a commit message string. The webhook body carries the message (repo.GetCommitMetadata) and the
// receiver has no checkout, so `git interpret-trailers` is not an option; this follows its core rule: the trailer
// block is the last paragraph, every line `Token: value` or a whitespace-indented continuation of the line above.

export interface Trailer {
  token: string;
  value: string;
}

export function parseCommitTrailers(message: string): Trailer[] {
  const paragraphs = message.replace(/\r\n/g, '\n').trimEnd().split(/\n[ \t]*\n/);
  // A one-paragraph message is only a subject line; git does not read trailers from it.
  if (paragraphs.length < 2) return [];
  const block = (paragraphs[paragraphs.length - 1] ?? '').split('\n');
  const trailers: Trailer[] = [];
  for (const line of block) {
    const last = trailers[trailers.length - 1];
    if (/^[ \t]+\S/.test(line) && last) {
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!match) return [];
    trailers.push({ token: match[1] ?? '', value: (match[2] ?? '').trim() });
  }
  return trailers;
}
