import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerContext } from "../context.js";
import { registerAuditChecklistTool } from "./audit-checklist.js";
import { registerGetPersonaTool } from "./get-persona.js";
import { registerListPersonasTool } from "./list-personas.js";
import { registerLookupDelegationTool } from "./lookup-delegation.js";
import { registerScanAntiPatternsTool } from "./scan-anti-patterns.js";
import { registerValidateResponseTool } from "./validate-response.js";

// One line per tool: the order here is the order of tools/list.
const REGISTRATIONS: ((server: McpServer, ctx: ServerContext) => void)[] = [
  registerListPersonasTool,
  registerGetPersonaTool,
  registerScanAntiPatternsTool,
  registerAuditChecklistTool,
  registerValidateResponseTool,
  registerLookupDelegationTool,
];

export function registerTools(server: McpServer, ctx: ServerContext): void {
  for (const register of REGISTRATIONS) register(server, ctx);
}
