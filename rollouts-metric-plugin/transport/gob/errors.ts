/** Any malformed, oversized or unencodable gob data. Messages name the problem (and the field path when known). */
export class GobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GobError';
  }
}

/** The stream ended cleanly at a message boundary, before any byte of the next value (Go's io.EOF). */
export class GobEOFError extends GobError {
  constructor(message = 'gob: end of stream') {
    super(message);
    this.name = 'GobEOFError';
  }
}
