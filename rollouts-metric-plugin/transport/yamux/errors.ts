// Error classes for the yamux session. Names follow hashicorp/yamux v0.1.1 (const.go) so logs match the Go side.

export class YamuxError extends Error {
  override name = 'YamuxError';
}

/** The peer broke the wire protocol; the session sends GoAway(1) and closes. */
export class YamuxProtocolError extends YamuxError {
  override name = 'YamuxProtocolError';
}

/** The peer closed the session with GoAway(protocol or internal error); we close without answering. */
export class YamuxPeerGoAwayError extends YamuxError {
  override name = 'YamuxPeerGoAwayError';
}

/** The session is (or was) closed; carries the reason it closed, if any. */
export class YamuxSessionClosedError extends YamuxError {
  override name = 'YamuxSessionClosedError';
  constructor(message = 'yamux: session shutdown', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The stream was reset (RST) by either side. Go: ErrConnectionReset. */
export class YamuxStreamResetError extends YamuxError {
  override name = 'YamuxStreamResetError';
}

/** The peer sent GoAway(0): it accepts no new streams. Go: ErrRemoteGoAway. */
export class YamuxRemoteGoAwayError extends YamuxError {
  override name = 'YamuxRemoteGoAwayError';
  constructor() {
    super('yamux: remote end is not accepting connections (GoAway received)');
  }
}

/** A ping (or keepalive) got no reply in time. Go: ErrTimeout / ErrKeepAliveTimeout. */
export class YamuxTimeoutError extends YamuxError {
  override name = 'YamuxTimeoutError';
}
