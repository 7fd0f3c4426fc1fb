import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";

/**
 * Every tool here only reads: both hints default the other way in MCP, so clients would otherwise ask the
 * user to confirm each call.
 */
export const READ_ONLY_ANNOTATIONS: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };

/**
 * A tool result carrying the data as `structuredContent` (validated against the tool's `outputSchema`) and a
 * short text summary, since some clients show only the text block and others only the structure.
 */
export function structuredResult<T extends Record<string, unknown>>(
  data: T,
  text: string,
): CallToolResult & { structuredContent: T } {
  return { content: [{ type: "text", text }], structuredContent: data };
}

/** The first `max` lines, then "... and N more", so summaries stay short whatever the result size. */
export function previewLines(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `... and ${lines.length - max} more`];
}
