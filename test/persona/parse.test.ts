import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePersona, PersonaParseError, stripRuntimeMarkers } from "../../src/persona/parse.js";
import { PersonaSchema } from "../../src/persona/schema.js";

const fixture = (relative: string) =>
  fileURLToPath(new URL(`../fixtures/personas/${relative}`, import.meta.url));
const read = (file: string) => readFileSync(file, "utf8");
const bundled = fileURLToPath(new URL("../../personas/fastapi-pro.md", import.meta.url));

function parseError(relative: string): PersonaParseError {
  const file = fixture(relative);
  try {
    parsePersona(read(file), file);
  } catch (error) {
    if (error instanceof PersonaParseError) return error;
    throw error;
  }
  throw new Error(`${relative} parsed without an error`);
}

describe("parsePersona on the bundled fastapi-pro persona", () => {
  const markdown = read(bundled);
  const persona = parsePersona(markdown, bundled);

  it("is a valid Persona", () => {
    expect(PersonaSchema.safeParse(persona).success).toBe(true);
  });

  it("reads the front matter", () => {
    expect(persona.name).toBe("fastapi-pro");
    expect(persona.description).toBe("Master FastAPI developer for high-performance async APIs and Pydantic V2.");
    expect(persona.version).toBe("2.2.1");
    expect(persona.agents).toEqual({ primary: "fastapi-pro" });
    expect(persona.skills).toEqual(["fastapi-framework", "pydantic-v2", "sqlalchemy-async", "async-architecture"]);
    expect(persona.allowedTools).toEqual(["Read", "Write", "Task", "Bash"]);
    expect(persona.triggers).toEqual(["file:.py", "keyword:api", "keyword:fastapi"]);
    expect(persona.extraFrontMatter).toEqual({});
    expect(persona.title).toBe("FastAPI Pro");
  });

  it("reads the delegation table", () => {
    expect(persona.delegation).toEqual([
      { delegate: "python-pro", when: "Core Python lang features, PyO3 optimization" },
      { delegate: "database-architect", when: "Schema design, advanced SQL" },
      { delegate: "frontend-developer", when: "API consumption, OpenAPI gen" },
      { delegate: "security-auditor", when: "OAuth2/OIDC flows" },
    ]);
  });

  it("reads the 5 validation checks with their questions", () => {
    expect(persona.validationChecks).toEqual([
      { name: "Async", question: "All I/O is `async await`? No blocking?", items: [] },
      { name: "Validation", question: "Pydantic models for all Inputs/Outputs?", items: [] },
      { name: "Database", question: "Async Session managed? Pooling on?", items: [] },
      { name: "Docs", question: "OpenAPI tags/descriptions complete?", items: [] },
      { name: "Testing", question: "AsyncClient used? Coverage high?", items: [] },
    ]);
  });

  it("reads the 6 decision steps", () => {
    expect(persona.decisionFramework).toEqual([
      { name: "Schema Design", text: "Pydantic V2 (BaseModel, ConfigDict)." },
      { name: "Routing", text: "APIRouter, Dependencies (DI)." },
      { name: "Data Layer", text: "SQLAlchemy 2.0 (Async), Alembic." },
      { name: "Security", text: "OAuth2PasswordBearer, JWT." },
      { name: "Performance", text: "Uvicorn workers, JSON serialization." },
      { name: "Deployment", text: "Docker (Distroless), K8s." },
    ]);
  });

  it("reads the 5 principles with their targets", () => {
    expect(persona.principles).toEqual([
      { name: "Async First", target: "100%", text: "Default to async." },
      { name: "Explicit Validation", target: "100%", text: "Strict Pydantic types." },
      { name: "Dependency Injection", target: "95%", text: "For DB, Auth, Config." },
      { name: "Standards", target: "100%", text: "OpenAPI schema adherence." },
      { name: "Security", target: "100%", text: "Dependency-based Auth." },
    ]);
  });

  it("reads the 4 quick-reference patterns", () => {
    expect(persona.patterns).toEqual([
      { name: "Dependency Injection", text: "`Depends(get_db)`." },
      { name: "Pydantic V2", text: "`model_config = ConfigDict(from_attributes=True)`." },
      { name: "CRUD", text: "Service layer pattern separate from Routes." },
      { name: "Background Tasks", text: "`BackgroundTasks` for lightweight async jobs." },
    ]);
  });

  it("reads the 5 anti-patterns with their fixes, inline code kept", () => {
    expect(persona.antiPatterns).toEqual([
      { name: "Global State", fix: "`Depends()`", extra: {} },
      { name: "Sync DB Calls", fix: "`AsyncSession`", extra: {} },
      { name: "Hardcoded Auth", fix: "`Security` deps", extra: {} },
      { name: "Return Dicts", fix: "Return Pydantic Models", extra: {} },
      { name: "Validation in View", fix: "Pydantic Field validators", extra: {} },
    ]);
  });

  it("numbers the 10 checklist items C01..C10 in order", () => {
    expect(persona.checklist).toEqual([
      { id: "C01", text: "All routes async (where appropriate)" },
      { id: "C02", text: "Pydantic Schemas for Request/Response" },
      { id: "C03", text: "Dependency Injection used for testability" },
      { id: "C04", text: "OpenAPI docs verified (/docs)" },
      { id: "C05", text: "SQLAlchemy Async Engine configured" },
      { id: "C06", text: "Alembic migrations versions tracked" },
      { id: "C07", text: "CORS Middleware configured" },
      { id: "C08", text: "Gzip Middleware enabled" },
      { id: "C09", text: "Structured Logging" },
      { id: "C10", text: "Dockerfile optimized (multi-stage)" },
    ]);
  });

  it("keeps the file as markdown and serves a body without front matter or runtime markers", () => {
    expect(persona.markdown).toBe(markdown);
    expect(persona.body.startsWith("# Persona: fastapi-pro (v2.0)\n\n# FastAPI Pro\n\nYou are a FastAPI expert")).toBe(true);
    expect(persona.body).not.toMatch(/^---$\nname:/m);
    expect(persona.body).not.toMatch(/\/\/ (turbo-all|parallel|end-parallel)/);
    expect(persona.body).not.toMatch(/\n\n\n/);
    expect(persona.body).toContain("## Strategy & Validation (Parallel)\n\n### Delegation Strategy\n");
    expect(persona.body.endsWith("- [ ] Dockerfile optimized (multi-stage)\n")).toBe(true);
  });
});

describe("parsePersona on the seed layout with other content", () => {
  const file = fixture("variants/seed-layout.md");
  const persona = parsePersona(read(file), file);

  it("keeps a YAML number version as written and splits a comma list of allowed tools", () => {
    expect(persona.version).toBe("1.0");
    expect(persona.allowedTools).toEqual(["Read", "Grep", "Bash"]);
    expect(persona.agents).toEqual({ primary: "queue-pro", reviewer: "python-pro" });
  });

  it("strips bold and code marks from delegate names and unescapes \\| in cells", () => {
    expect(persona.delegation).toEqual([
      { delegate: "broker-admin", when: "RabbitMQ or Redis cluster sizing" },
      { delegate: "fastapi-pro", when: "Enqueueing jobs from request handlers" },
      { delegate: "observability-pro", when: "Tracing across producer and worker | dashboards" },
    ]);
  });

  it("joins a check written over two lines", () => {
    expect(persona.validationChecks.map((check) => check.question)).toEqual([
      "Can the task run twice without double side effects?",
      "Retries capped with `max_retries`?",
      "Failures land in a dead-letter queue?",
    ]);
  });

  it("gives a principle without a target a null target", () => {
    expect(persona.principles).toEqual([
      { name: "Idempotency", target: "100%", text: "Every task safe to repeat." },
      { name: "Small Payloads", target: null, text: "Pass ids, not objects." },
    ]);
  });

  it("takes only bold-named bullets as patterns", () => {
    expect(persona.patterns).toEqual([
      { name: "Retry with backoff", text: "`autoretry_for=(TimeoutError,)`." },
      { name: "Chord", text: "fan out, then gather with a callback." },
    ]);
  });

  it("strips bold from anti-pattern names but keeps inline code", () => {
    expect(persona.antiPatterns).toEqual([
      { name: "Passing ORM objects", fix: "Pass primary keys", extra: {} },
      { name: "`time.sleep` in tasks", fix: "`countdown=` or `eta=`", extra: {} },
    ]);
  });

  it("counts ticked boxes and ignores checkboxes and markers inside code blocks", () => {
    expect(persona.checklist).toEqual([
      { id: "C01", text: "Tasks idempotent" },
      { id: "C02", text: "Retries bounded" },
      { id: "C03", text: "Result backend only where results are read" },
    ]);
    expect(persona.body).toContain("```text\n- [ ] this line is inside a code block and is not a checklist item\n// parallel\n```");
    expect(persona.body).not.toContain("// turbo-all");
  });
});

describe("parsePersona on ## headings with numbered sub-headings", () => {
  const file = fixture("variants/hash-headings.md");
  const persona = parsePersona(read(file), file);

  it("reads a folded description, a quoted version and the title after `# Persona:`", () => {
    expect(persona.description).toBe("Survey statistics expert: sampling designs, weighting and variance estimation.");
    expect(persona.version).toBe("0.3.0");
    expect(persona.title).toBe("Survey Pro - Sampling and Weighting");
    expect(persona.agents).toEqual({});
    expect(persona.skills).toEqual([]);
    expect(persona.triggers).toEqual([]);
  });

  it("accepts a `Delegate` column", () => {
    expect(persona.delegation).toEqual([
      { delegate: "causal-pro", when: "Treatment effects from observational data" },
      { delegate: "viz-pro", when: "Charts of weighted estimates" },
    ]);
  });

  it("reads `### 1. Name` checks with their `- [ ]` items", () => {
    expect(persona.validationChecks).toEqual([
      {
        name: "Design Known",
        question: "Strata and clusters identified? Finite population correction needed?",
        items: ["Strata and clusters identified?", "Finite population correction needed?"],
      },
      {
        name: "Weights Checked",
        question: "Weights sum to the population total?",
        items: ["Weights sum to the population total?"],
      },
      {
        name: "Validation Plan",
        question: "Estimates compared with a published benchmark?",
        items: ["Estimates compared with a published benchmark?"],
      },
    ]);
  });

  it("reads `### Step N:` sub-sections as decision steps, tables included", () => {
    expect(persona.decisionFramework).toEqual([
      {
        name: "Design Description",
        text:
          "| Feature | Question |\n|---------|----------|\n| Strata | Which variables define them? |\n" +
          "| Clusters | Single or multi-stage? |",
      },
      { name: "Variance Method", text: "Taylor linearisation by default; replicate weights when the provider ships them." },
    ]);
  });

  it("reads `### Principle N:` sub-sections, bullets joined and prose kept", () => {
    expect(persona.principles).toEqual([
      { name: "Design Fidelity", target: "97%", text: "Never drop the design variables Report design effects" },
      { name: "Transparency", target: null, text: "Say which weights were used and why." },
    ]);
  });

  it("loads without what it lacks: no patterns, no anti-patterns", () => {
    expect(persona.patterns).toEqual([]);
    expect(persona.antiPatterns).toEqual([]);
  });

  it("finds the checklist under a differently named heading", () => {
    expect(persona.checklist).toEqual([
      { id: "C01", text: "Design variables documented" },
      { id: "C02", text: "Weights trimmed or justified" },
      { id: "C03", text: "Standard errors use the design" },
    ]);
  });
});

describe("parsePersona on a four-column anti-pattern table with extra front matter", () => {
  const file = fixture("variants/wide-table.md");
  const persona = parsePersona(read(file), file);

  it("keeps unknown front-matter keys as given", () => {
    expect(persona.version).toBe("3");
    expect(persona.extraFrontMatter).toEqual({ color: "teal", model: "haiku", maxTurns: 12, tags: ["firmware", "rtos"] });
  });

  it("ignores `#` lines inside code in <example> blocks when finding the title", () => {
    expect(persona.title).toBe("Embedded Pro");
    expect(persona.body.startsWith("<example>\n```python\n# Persona: not a heading")).toBe(true);
    expect(persona.body).toContain("# Not The Title either\n// parallel\n```");
  });

  it("reads name and fix from the Anti-Pattern and Fix columns and keeps the others as extra", () => {
    expect(persona.antiPatterns).toEqual([
      { name: "Unbounded Queue", fix: "Fixed-size `ring_buf`", extra: { Pattern: "Ring Buffer", "Use Case": "UART input" } },
      { name: "Flag Soup", fix: "Explicit states", extra: { Pattern: "State Machine", "Use Case": "Protocol parsing" } },
    ]);
  });

  it("does not take a numbered list under another heading as checks, steps or principles", () => {
    expect(persona.validationChecks).toEqual([]);
    expect(persona.decisionFramework).toEqual([]);
    expect(persona.principles).toEqual([]);
    expect(persona.checklist.map((item) => item.id)).toEqual(["C01", "C02"]);
  });
});

describe("parsePersona on malformed personas", () => {
  it.each([
    ["malformed/bad-yaml.md", "front matter", "invalid YAML: bad indentation of a mapping entry at line 4, column 9"],
    ["malformed/no-name.md", "front matter", "`name` is missing"],
    ["malformed/no-front-matter.md", "front matter", "the file has no front matter"],
    ["malformed/unclosed-front-matter.md", "front matter", "the front matter is not closed"],
    [
      "malformed/bad-delegation.md",
      "Delegation Strategy",
      'the table has columns "Agent", "Reason"; a delegation table needs "Delegate To" and "When" columns',
    ],
    [
      "malformed/antipattern-no-fix.md",
      "Common Anti-Patterns",
      'the table has columns "Anti-Pattern", "Why It Hurts"; an anti-pattern table needs "Anti-Pattern" and "Fix" columns',
    ],
  ])("%s fails in section %s", (relative, section, detail) => {
    const error = parseError(relative);
    expect(error.file).toBe(fixture(relative));
    expect(error.section).toBe(section);
    expect(error.detail.startsWith(detail)).toBe(true);
    expect(error.message).toBe(`${fixture(relative)}: section "${section}": ${error.detail}`);
  });

  it("rejects a name that is not a string and an `agents` that is not a map", () => {
    expect(() => parsePersona("---\nname: [a, b]\n---\n# X\n", "list-name.md")).toThrow(
      'list-name.md: section "front matter": `name` must be a string',
    );
    expect(() => parsePersona("---\nname: x\nagents: [a]\n---\n# X\n", "agents.md")).toThrow(
      'agents.md: section "front matter": `agents` must be a map',
    );
  });
});

describe("parsePersona edge cases", () => {
  it("parses CRLF files and a BOM the same as LF files", () => {
    const lf = "---\nname: crlf-pro\n---\n\n# CRLF Pro\n\n## Checklist\n\n- [ ] One\n- [ ] Two\n";
    const crlf = `\uFEFF${lf.replace(/\n/g, "\r\n")}`;
    const persona = parsePersona(crlf, "crlf.md");
    expect(persona.name).toBe("crlf-pro");
    expect(persona.title).toBe("CRLF Pro");
    expect(persona.checklist).toEqual([
      { id: "C01", text: "One" },
      { id: "C02", text: "Two" },
    ]);
    expect(persona.body).toBe(parsePersona(lf, "lf.md").body);
  });

  it("gives a persona with only front matter empty sections and a null title", () => {
    const persona = parsePersona("---\nname: bare\n---\n", "bare.md");
    expect(persona).toMatchObject({
      name: "bare",
      description: "",
      version: null,
      title: null,
      delegation: [],
      validationChecks: [],
      decisionFramework: [],
      principles: [],
      patterns: [],
      antiPatterns: [],
      checklist: [],
      body: "",
    });
  });

  it("numbers checklist items past 99 with three digits", () => {
    const items = Array.from({ length: 100 }, (_, index) => `- [ ] item ${index + 1}`).join("\n");
    const persona = parsePersona(`---\nname: long\n---\n## Long Checklist\n${items}\n`, "long.md");
    expect(persona.checklist[98]).toEqual({ id: "C99", text: "item 99" });
    expect(persona.checklist[99]).toEqual({ id: "C100", text: "item 100" });
  });
});

describe("stripRuntimeMarkers", () => {
  it("removes the marker lines and nothing else", () => {
    const input = "# A\n// turbo-all\ntext // parallel stays\n  // parallel\n//end-parallel\n// end-parallel\n// parallelism\nend\n";
    expect(stripRuntimeMarkers(input)).toBe("# A\ntext // parallel stays\n// parallelism\nend\n");
  });

  it("keeps marker-like lines inside fenced code", () => {
    const input = "```js\n// parallel\n```\n// parallel\n";
    expect(stripRuntimeMarkers(input)).toBe("```js\n// parallel\n```\n");
  });
});
