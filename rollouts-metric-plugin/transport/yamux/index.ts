// hashicorp/yamux v0.1.1 (the version Argo Rollouts v1.9.1 uses) for Node: knows nothing of RPC or gob.
export { YamuxSession, type YamuxOptions, type YamuxSessionStats } from './session.js';
export { YamuxStream } from './stream.js';
export {
  YamuxError,
  YamuxProtocolError,
  YamuxRemoteGoAwayError,
  YamuxSessionClosedError,
  YamuxStreamResetError,
  YamuxTimeoutError,
} from './errors.js';
export { Flag, FrameType, GoAwayCode, HEADER_SIZE, INITIAL_STREAM_WINDOW, decodeHeader, encodeHeader } from './frame.js';
export type { FrameHeader } from './frame.js';
export { FrameAssembler, type FrameSink } from './frame-assembler.js';
