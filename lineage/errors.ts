// Thrown by readLineage only in strict mode, carrying every invalid value it found.

export class LineageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? (problems[0] ?? '') : `${problems.length} invalid lineage values: ${problems.join('; ')}`);
    this.name = 'LineageError';
  }
}
