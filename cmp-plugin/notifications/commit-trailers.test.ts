import { describe, expect, it } from 'vitest';
import { parseCommitTrailers } from './commit-trailers.js';

describe('parseCommitTrailers', () => {
  it('reads the last paragraph when every line is a trailer or a continuation', () => {
    expect(parseCommitTrailers('subject\n\nbody text\n\nTraceparent: 00-a-b-01\nModel-Id:  m-1 \nNote: long\n  continued\n')).toEqual([
      { token: 'Traceparent', value: '00-a-b-01' },
      { token: 'Model-Id', value: 'm-1' },
      { token: 'Note', value: 'long continued' },
    ]);
  });

  it.each([
    ['subject only', 'Traceparent: 00-a-b-01'],
    ['prose in the last paragraph', 'subject\n\nTraceparent: x\nthis is prose'],
    ['trailers not last', 'subject\n\nModel-Id: m\n\nclosing words'],
    ['empty', ''],
  ])('no trailers: %s', (_name, message) => {
    expect(parseCommitTrailers(message)).toEqual([]);
  });

  it('handles CRLF and trailing blank lines', () => {
    expect(parseCommitTrailers('s\r\n\r\nCommit: abc1234\r\n\r\n')).toEqual([{ token: 'Commit', value: 'abc1234' }]);
  });
});
