import { afterEach, describe, expect, it } from "vitest";
import { createServer, NoLoadablePersonaError } from "../../src/server/create-server.js";
import { connect, tempDir } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function dirWith(files: Record<string, string>): Promise<string> {
  const { dir, cleanup } = await tempDir(files);
  cleanups.push(cleanup);
  return dir;
}

const minimalPersona = (name: string, description: string) => `---
name: ${name}
description: ${description}
version: 1.0.0
---

# ${name}

You review Django code.
`;

const brokenYaml = `---
name: broken
description: [unclosed
---

# Broken
`;

describe("createServer", () => {
  it("tells the client what it offers and which tool to call when", async () => {
    const conn = await connect();
    try {
      const instructions = conn.client.getInstructions() ?? "";
      for (const tool of [
        "list_personas",
        "get_persona",
        "scan_anti_patterns",
        "audit_checklist",
        "validate_response",
        "lookup_delegation",
      ]) {
        expect(instructions).toContain(`- ${tool}: `);
      }
      expect(instructions).toContain("persona://{name}");
      expect(conn.client.getServerVersion()).toMatchObject({ name: "persona-mcp", version: "0.1.0" });
    } finally {
      await conn.close();
    }
  });

  it("loads user persona folders after the bundled one and logs broken files by file and section", async () => {
    const dir = await dirWith({ "django-pro.md": minimalPersona("django-pro", "Django expert"), "broken.md": brokenYaml });
    const conn = await connect({ personaDirs: [dir] });
    try {
      const result = await conn.client.callTool({ name: "list_personas", arguments: {} });
      const names = (result.structuredContent as { personas: { name: string }[] }).personas.map((p) => p.name);
      expect(names).toEqual(["fastapi-pro", "django-pro"]);
      const errors = conn.logs.filter((l) => l.level === "error").map((l) => l.msg);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^cannot load persona: .*broken\.md: section "front matter": /);
      const { prompts } = await conn.client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(["fastapi-pro", "django-pro"]);
    } finally {
      await conn.close();
    }
  });

  it("keeps the bundled persona when a user folder has one of the same name, and reports the duplicate", async () => {
    const dir = await dirWith({ "fastapi-pro.md": minimalPersona("fastapi-pro", "Our own FastAPI rules") });
    const conn = await connect({ personaDirs: [dir] });
    try {
      const result = await conn.client.callTool({ name: "list_personas", arguments: {} });
      expect((result.structuredContent as { personas: { description: string }[] }).personas).toMatchObject([
        { name: "fastapi-pro", description: "Master FastAPI developer for high-performance async APIs and Pydantic V2." },
      ]);
      expect(conn.logs.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([
        expect.stringMatching(/^cannot load persona: .*fastapi-pro\.md: persona name "fastapi-pro" is already used by /),
      ]);
    } finally {
      await conn.close();
    }
  });

  it("refuses to start with no loadable persona, saying why", async () => {
    const dir = await dirWith({ "broken.md": brokenYaml });
    const logs: string[] = [];
    const attempt = createServer({
      personaDirs: [dir],
      flagRoots: [],
      cwd: dir,
      bundled: false,
      log: (_level, msg) => logs.push(msg),
    });
    await expect(attempt).rejects.toBeInstanceOf(NoLoadablePersonaError);
    await expect(attempt).rejects.toThrow(`no loadable persona in ${dir}: 1 problem reported above`);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("broken.md");
  });

  it("refuses to start from an empty folder with --no-bundled", async () => {
    const dir = await dirWith({});
    await expect(
      createServer({ personaDirs: [dir], flagRoots: [], cwd: dir, bundled: false, log: () => {} }),
    ).rejects.toThrow(`no loadable persona in ${dir}: no persona .md files found`);
  });
});
