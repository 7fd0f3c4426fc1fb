import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * A progress callback for long tool calls, or undefined when the client did not ask (no progressToken).
 * Sends at most one notification per `minIntervalMs` plus the final one, so a 10,000-file scan does not
 * flood the client.
 */
export function progressReporter(extra: ToolExtra, minIntervalMs = 100): ((done: number, total: number) => void) | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < minIntervalMs) return;
    last = now;
    void extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: done, total, message: `${done} of ${total} files analysed` },
      })
      .catch(() => {
        // The client may have gone away or cancelled; progress is best effort.
      });
  };
}
