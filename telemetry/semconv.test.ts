import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import * as ours from './semconv.js';

describe('copied incubating semconv names', () => {
  it.each(Object.entries(ours))('%s matches @opentelemetry/semantic-conventions/incubating', (name, value) => {
    expect((incubating as Record<string, unknown>)[name]).toBe(value);
  });
});
