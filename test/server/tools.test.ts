import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { connect, type Connected } from "./helpers.js";

let conn: Connected;
beforeAll(async () => {
  conn = await connect();
});
afterAll(async () => {
  await conn.close();
});

function findTool(tools: Tool[], name: string): Tool {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`tool ${name} not listed`);
  return tool;
}

describe("tools/list", () => {
  it("describes every tool for a model: title, when-to-call description, described inputs, output schema, read-only", async () => {
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["list_personas", "get_persona"]));
    for (const tool of tools) {
      expect(tool.title, tool.name).toMatch(/\S/);
      expect(tool.description?.length ?? 0, tool.name).toBeGreaterThan(60);
      expect(tool.annotations, tool.name).toMatchObject({ readOnlyHint: true, openWorldHint: false });
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      const props = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [field, schema] of Object.entries(props)) {
        expect(schema.description, `${tool.name}.${field}`).toMatch(/\S/);
      }
    }
  });

  it("lists list_personas and get_persona with their exact titles and inputs", async () => {
    const { tools } = await conn.client.listTools();
    const list = findTool(tools, "list_personas");
    expect(list.title).toBe("List personas");
    expect(list.description).toContain("Call it first when you do not know which persona fits a task");
    expect(Object.keys(list.inputSchema.properties ?? {})).toEqual([]);
    expect(Object.keys(list.outputSchema?.properties ?? {})).toEqual(["personas"]);

    const get = findTool(tools, "get_persona");
    expect(get.title).toBe("Get persona");
    expect(get.description).toContain("Call it when you need the persona's rules themselves");
    expect(get.inputSchema.required).toEqual(["name"]);
    expect(Object.keys(get.outputSchema?.properties ?? {}).sort()).toEqual(
      [
        "antiPatterns",
        "checklist",
        "decisionFramework",
        "delegation",
        "description",
        "markdown",
        "name",
        "patterns",
        "principles",
        "skills",
        "triggers",
        "validationChecks",
        "version",
      ].sort(),
    );
  });
});

describe("list_personas", () => {
  it("returns the bundled FastAPI Pro persona summary, as structure and as text", async () => {
    const result = await conn.client.callTool({ name: "list_personas", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      personas: [
        {
          name: "fastapi-pro",
          description: "Master FastAPI developer for high-performance async APIs and Pydantic V2.",
          version: "2.2.1",
          triggers: ["file:.py", "keyword:api", "keyword:fastapi"],
          skills: ["fastapi-framework", "pydantic-v2", "sqlalchemy-async", "async-architecture"],
          delegates: ["python-pro", "database-architect", "frontend-developer", "security-auditor"],
        },
      ],
    });
    expect(result.content).toEqual([
      {
        type: "text",
        text: "1 persona:\nfastapi-pro 2.2.1: Master FastAPI developer for high-performance async APIs and Pydantic V2.",
      },
    ]);
  });
});

describe("get_persona", () => {
  it("returns the persona's structure", async () => {
    const result = await conn.client.callTool({ name: "get_persona", arguments: { name: "fastapi-pro" } });
    expect(result.isError).toBeFalsy();
    const p = result.structuredContent as Record<string, unknown>;
    expect(p["name"]).toBe("fastapi-pro");
    expect(p["version"]).toBe("2.2.1");
    expect(p["delegation"]).toEqual([
      { delegate: "python-pro", when: "Core Python lang features, PyO3 optimization" },
      { delegate: "database-architect", when: "Schema design, advanced SQL" },
      { delegate: "frontend-developer", when: "API consumption, OpenAPI gen" },
      { delegate: "security-auditor", when: "OAuth2/OIDC flows" },
    ]);
    expect((p["checklist"] as { id: string; text: string }[]).map((c) => `${c.id} ${c.text}`)).toEqual([
      "C01 All routes async (where appropriate)",
      "C02 Pydantic Schemas for Request/Response",
      "C03 Dependency Injection used for testability",
      "C04 OpenAPI docs verified (/docs)",
      "C05 SQLAlchemy Async Engine configured",
      "C06 Alembic migrations versions tracked",
      "C07 CORS Middleware configured",
      "C08 Gzip Middleware enabled",
      "C09 Structured Logging",
      "C10 Dockerfile optimized (multi-stage)",
    ]);
    expect((p["antiPatterns"] as { name: string }[]).map((a) => a.name)).toEqual([
      "Global State",
      "Sync DB Calls",
      "Hardcoded Auth",
      "Return Dicts",
      "Validation in View",
    ]);
    expect((p["validationChecks"] as { name: string }[]).map((c) => c.name)).toEqual([
      "Async",
      "Validation",
      "Database",
      "Docs",
      "Testing",
    ]);
    expect((p["principles"] as { name: string; target: string | null }[]).map((x) => [x.name, x.target])).toEqual([
      ["Async First", "100%"],
      ["Explicit Validation", "100%"],
      ["Dependency Injection", "95%"],
      ["Standards", "100%"],
      ["Security", "100%"],
    ]);
    expect((p["decisionFramework"] as { name: string }[]).map((s) => s.name)).toEqual([
      "Schema Design",
      "Routing",
      "Data Layer",
      "Security",
      "Performance",
      "Deployment",
    ]);
    expect((p["patterns"] as { name: string }[]).map((s) => s.name)).toEqual([
      "Dependency Injection",
      "Pydantic V2",
      "CRUD",
      "Background Tasks",
    ]);
  });

  it("gives the guidance as markdown without front matter or runtime markers, also in the text block", async () => {
    const result = await conn.client.callTool({ name: "get_persona", arguments: { name: "fastapi-pro" } });
    const markdown = (result.structuredContent as { markdown: string }).markdown;
    expect(markdown).toContain("# FastAPI Pro");
    expect(markdown).toContain("| Global State | `Depends()` |");
    expect(markdown).not.toContain("allowed-tools:");
    expect(markdown).not.toMatch(/^\/\/ (turbo-all|parallel|end-parallel)\s*$/m);
    const [text] = result.content as { type: string; text: string }[];
    expect(text?.text.split("\n")[0]).toBe(
      "fastapi-pro 2.2.1: Master FastAPI developer for high-performance async APIs and Pydantic V2.",
    );
    expect(text?.text).toContain(
      "10 checklist items, 5 anti-patterns, 5 validation checks; " +
        "delegates to: python-pro, database-architect, frontend-developer, security-auditor.",
    );
    expect(text?.text).toContain("- [ ] Dockerfile optimized (multi-stage)");
  });

  it("answers an unknown name with a tool error that lists the personas that exist", async () => {
    const result = await conn.client.callTool({ name: "get_persona", arguments: { name: "django-pro" } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: "text",
        text: 'unknown persona "django-pro"; available personas: fastapi-pro (list_personas describes them)',
      },
    ]);
  });

  it("rejects a missing name as invalid input", async () => {
    const result = await conn.client.callTool({ name: "get_persona", arguments: {} });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toMatch(/Input validation error.*name/s);
  });
});
