// The call's gRPC deadline minus a margin, as an AbortSignal (argocd-cmp-server uses deadline - 100ms so its
// error reaches the client before the client's own timer fires).
export class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
  constructor() {
    super('context deadline exceeded');
  }
}

export interface CallSignal {
  signal: AbortSignal;
  dispose(): void;
}

export function signalForDeadline(deadline: Date | number, marginMs: number, cancelled: AbortSignal, now = Date.now()): CallSignal {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  const controller = new AbortController();
  const onCancel = () => controller.abort(new Error('context canceled'));
  if (cancelled.aborted) onCancel();
  else cancelled.addEventListener('abort', onCancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (Number.isFinite(at)) {
    const remaining = at - marginMs - now;
    if (remaining <= 0) controller.abort(new DeadlineExceeded());
    else timer = setTimeout(() => controller.abort(new DeadlineExceeded()), remaining);
  }
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      cancelled.removeEventListener('abort', onCancel);
    },
  };
}

/** Rejects as soon as the signal aborts, so a generate that ignores its signal cannot hold the reply. */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
