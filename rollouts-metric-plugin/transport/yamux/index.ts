// hashicorp/yamux v0.1.1 (the version Argo Rollouts v1.9.1 uses) for Node: knows nothing of RPC or gob.
// Wire-compatible with Go (tested in test/yamux against the real library). Deliberate differences, all stricter or
// safer and invisible to a well-behaved Go peer: we ACK a SYN on receipt (Go waits for Accept); frames for a stream
// id that was never opened close the session (Go discards them; frames for closed streams we discard too); a second
// FIN or data after FIN resets only that stream (Go closes the session on the former and accepts the latter); a
// SYN with our own id parity is a protocol error. Not implemented: StreamOpenTimeout/StreamCloseTimeout.
export { YamuxSession, type YamuxOptions, type YamuxSessionStats } from './session.js';
export { YamuxStream } from './stream.js';
export {
  YamuxError,
  YamuxPeerGoAwayError,
  YamuxProtocolError,
  YamuxRemoteGoAwayError,
  YamuxSessionClosedError,
  YamuxStreamResetError,
  YamuxTimeoutError,
} from './errors.js';
export { Flag, FrameType, GoAwayCode, HEADER_SIZE, INITIAL_STREAM_WINDOW, decodeHeader, encodeHeader } from './frame.js';
export type { FrameHeader } from './frame.js';
export { FrameAssembler, type FrameSink } from './frame-assembler.js';
