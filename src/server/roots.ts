import { fileURLToPath } from "node:url";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { createAccessPolicy, type AccessPolicy } from "../files/roots.js";
import type { Logger } from "./context.js";

/** Client roots come as URIs; only `file:` ones name folders we can read. */
function rootUrisToPaths(uris: string[], log: Logger): string[] {
  const paths: string[] = [];
  for (const uri of uris) {
    try {
      if (!uri.startsWith("file:")) throw new Error("not a file: URI");
      paths.push(fileURLToPath(uri));
    } catch (err) {
      log("warn", `ignoring client root ${uri}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return paths;
}

/**
 * Keeps the access policy current: `--root` flags win and never change; otherwise the client's roots are
 * asked for after `initialized` and again on `roots/list_changed`; otherwise the working directory.
 */
export class RootsTracker {
  // Replaced synchronously on each refresh, so a slow, older roots/list answer never wins over a newer one.
  private policy: Promise<AccessPolicy> | null = null;
  private generation = 0;

  constructor(
    private readonly opts: { flagRoots: string[]; cwd: string; log: Logger },
  ) {}

  /** Hooks the tracker to the server's lifecycle; call before `connect`. */
  attach(server: Server): void {
    if (this.opts.flagRoots.length > 0) return;
    const previous = server.oninitialized;
    server.oninitialized = () => {
      previous?.();
      if (server.getClientCapabilities()?.roots) void this.refresh(server);
    };
    server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
      if (server.getClientCapabilities()?.roots) await this.refresh(server);
    });
  }

  getPolicy(): Promise<AccessPolicy> {
    this.policy ??= this.build(null);
    return this.policy;
  }

  /** Asks the client for its roots; resolves once the new policy is in place. */
  refresh(server: Server): Promise<AccessPolicy> {
    const generation = ++this.generation;
    const next = server
      .listRoots()
      .then((result) => this.build(rootUrisToPaths(result.roots.map((root) => root.uri), this.opts.log)))
      .catch((err: unknown) => {
        this.opts.log(
          "warn",
          `could not use the client's roots (${err instanceof Error ? err.message : String(err)}); ` +
            `falling back to the working directory`,
        );
        return this.build(null);
      });
    this.policy = next;
    return next.then((policy) => {
      if (generation === this.generation) this.opts.log("info", `allowed roots: ${policy.describe()}`);
      return policy;
    });
  }

  private build(clientRoots: string[] | null): Promise<AccessPolicy> {
    return createAccessPolicy({
      flagRoots: this.opts.flagRoots,
      clientRoots,
      cwd: this.opts.cwd,
      warn: (msg) => this.opts.log("warn", msg),
    });
  }
}
