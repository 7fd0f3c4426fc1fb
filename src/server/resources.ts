import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerContext } from "./context.js";

const MIME = "text/markdown";

export function personaUri(name: string): string {
  return `persona://${name}`;
}

/**
 * `persona://{name}`: the persona file as written. Only the template is registered, with a `list` that names
 * every persona: registering a fixed resource per persona as well would list each one twice in resources/list.
 */
export function registerResources(server: McpServer, ctx: ServerContext): void {
  server.registerResource(
    "persona",
    new ResourceTemplate("persona://{name}", {
      list: () => ({
        resources: ctx.personas.list().map(({ persona }) => ({
          uri: personaUri(persona.name),
          name: persona.name,
          title: persona.title ?? persona.name,
          description: persona.description,
          mimeType: MIME,
        })),
      }),
      complete: {
        name: (value) => {
          const prefix = value.toLowerCase();
          return ctx.personas.names().filter((name) => name.toLowerCase().startsWith(prefix));
        },
      },
    }),
    {
      title: "Persona file",
      description: "A persona's markdown file, front matter included; {name} as listed by list_personas",
      mimeType: MIME,
    },
    (uri, variables) => {
      const raw = variables["name"];
      const name = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? "") : (raw ?? ""));
      const persona = ctx.personas.get(name);
      return { contents: [{ uri: uri.href, mimeType: MIME, text: persona.markdown }] };
    },
  );
}
