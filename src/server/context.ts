import { UserError } from "../core/errors.js";
import type { AccessPolicy } from "../files/roots.js";
import type { LoadedPersona, Persona } from "../persona/schema.js";

export type LogLevel = "info" | "warn" | "error";
export type Logger = (level: LogLevel, msg: string) => void;

/** What every tool, prompt and resource handler gets: the personas, the file-access policy and a logger. */
export interface ServerContext {
  personas: PersonaRegistry;
  /** The allowed roots as they stand now (flags, else the client's roots, else the working directory). */
  getPolicy(): Promise<AccessPolicy>;
  /** Logs to stderr: stdout carries JSON-RPC only. */
  log(level: LogLevel, msg: string): void;
}

/** The loaded personas by name, in load order (bundled first, then user folders). */
export class PersonaRegistry {
  private readonly byName = new Map<string, LoadedPersona>();

  /** Duplicate names keep the first, as the loader does (it reports the duplicate). */
  constructor(loaded: LoadedPersona[]) {
    for (const entry of loaded) {
      if (!this.byName.has(entry.persona.name)) this.byName.set(entry.persona.name, entry);
    }
  }

  list(): LoadedPersona[] {
    return [...this.byName.values()];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The loaded persona with its file and folder; a UserError naming the personas that exist otherwise. */
  entry(name: string): LoadedPersona {
    const found = this.byName.get(name);
    if (!found) {
      const names = this.names();
      const available = names.length > 0 ? names.join(", ") : "none";
      throw new UserError(
        `unknown persona "${name}"; available personas: ${available} (list_personas describes them)`,
      );
    }
    return found;
  }

  get(name: string): Persona {
    return this.entry(name).persona;
  }

  /** The folder the persona was loaded from: sidecar data (e.g. `<name>.delegation.yaml`) lives there. */
  dirOf(name: string): string {
    return this.entry(name).dir;
  }
}
