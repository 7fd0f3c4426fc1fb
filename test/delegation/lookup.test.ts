import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/errors.js";
import { loadLexicon, type Lexicon } from "../../src/delegation/lexicon.js";
import { lookupDelegation, type DelegationResult } from "../../src/delegation/lookup.js";
import { fastapiPro, makePersona } from "./personas.js";

const PERSONAS_DIR = fileURLToPath(new URL("../../personas/", import.meta.url));
const LEXICON = loadLexicon(PERSONAS_DIR, "fastapi-pro");
const ROWS = fastapiPro().delegation;

function route(task: string, loadedPersonas: string[] = []): DelegationResult {
  return lookupDelegation({ persona: fastapiPro(), lexicon: LEXICON, task, loadedPersonas });
}

function candidate(r: DelegationResult, name: string) {
  return r.candidates.find((c) => c.name === name);
}

describe("lookupDelegation with the fastapi-pro lexicon", () => {
  it("sends client generation from the OpenAPI schema to frontend-developer, saying which words decided", () => {
    const r = route("Generate a TypeScript client from our FastAPI OpenAPI schema");
    expect(r).toEqual({
      decision: "delegate",
      delegate: "frontend-developer",
      when: "API consumption, OpenAPI gen",
      rationale:
        'Delegate to frontend-developer (API consumption, OpenAPI gen): "TypeScript client" (score 4) ' +
        'outweighs in-house "OpenAPI schema", "FastAPI" (score 2.5).',
      candidates: [
        { name: "frontend-developer", when: "API consumption, OpenAPI gen", score: 4, matched: ["TypeScript client"] },
        { name: "python-pro", when: "Core Python lang features, PyO3 optimization", score: 0, matched: [] },
        { name: "database-architect", when: "Schema design, advanced SQL", score: 0, matched: [] },
        { name: "security-auditor", when: "OAuth2/OIDC flows", score: 0, matched: [] },
      ],
      persona: null,
    });
  });

  it("keeps JWT auth with OAuth2PasswordBearer in-house: the identifier is not read as OAuth2 evidence", () => {
    const r = route("add JWT auth with OAuth2PasswordBearer");
    expect(r.decision).toBe("handle");
    expect(r.delegate).toBeNull();
    expect(r.when).toBeNull();
    expect(r.persona).toBeNull();
    expect(r.rationale).toBe(
      'Handle in fastapi-pro: no delegate\'s words matched; in-house "OAuth2PasswordBearer", "JWT" (score 5).',
    );
    expect(candidate(r, "security-auditor")).toEqual({ name: "security-auditor", when: "OAuth2/OIDC flows", score: 0, matched: [] });
  });

  it("sends Google login to security-auditor even when the task names FastAPI", () => {
    const r = route("Google login for our FastAPI app");
    expect(r.delegate).toBe("security-auditor");
    expect(r.when).toBe("OAuth2/OIDC flows");
    expect(candidate(r, "security-auditor")?.matched).toEqual(["Google login"]);
    expect(r.rationale).toBe(
      'Delegate to security-auditor (OAuth2/OIDC flows): "Google login" (score 4) outweighs in-house "FastAPI", "app" (score 1.5).',
    );
  });

  it("gives one candidate per delegation row, sorted by score, ties in table order, each with the persona's When text", () => {
    const r = route("we use Postgres: normalize the tables, and the React app needs types");
    expect(r.candidates.map((c) => c.name).sort()).toEqual(ROWS.map((row) => row.delegate).sort());
    for (const c of r.candidates) expect(c.when).toBe(ROWS.find((row) => row.delegate === c.name)?.when);
    const scores = r.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(r.candidates.map((c) => c.name)).toEqual([
      "frontend-developer",
      "database-architect",
      "python-pro",
      "security-auditor",
    ]);
    expect(candidate(r, "frontend-developer")).toMatchObject({ score: 4, matched: ["React"] });
    expect(candidate(r, "database-architect")).toMatchObject({ score: 2.75, matched: ["Postgres", "normalize", "tables"] });

    const none = route("what time is it");
    expect(none.candidates.map((c) => c.name)).toEqual(ROWS.map((row) => row.delegate));
    expect(none.rationale).toBe("Handle in fastapi-pro: no delegate's words matched; nothing in-house matched.");
  });

  it("matches through case, plurals, inflections, acronym plurals and multi-word terms", () => {
    const r = route("PARTITIONED tables, recursive CTEs and Window Functions");
    expect(r.delegate).toBe("database-architect");
    expect(candidate(r, "database-architect")?.matched).toEqual(["PARTITIONED", "tables", "CTEs", "Window Functions"]);
    expect(route("speed it up with pyo3").delegate).toBe("python-pro");
    expect(route("how does the gil work").delegate).toBe("python-pro");
    expect(route("single sign-on via OIDC").delegate).toBe("security-auditor");
  });

  it("matches code identifiers whole, in any case, and does not read a dunder as an English word", () => {
    expect(route("use oauth2passwordbearer for the token").decision).toBe("handle");
    const engine = route("Set up create_async_engine");
    expect(engine.rationale).toBe('Handle in fastapi-pro: no delegate\'s words matched; in-house "create_async_engine" (score 4).');
    const dunder = route("override __new__ in a metaclass");
    expect(candidate(dunder, "python-pro")?.matched).toEqual(["__new__", "metaclass"]);
    expect(candidate(route("add a new route"), "python-pro")?.matched).toEqual([]);
  });

  it("lets the longer term claim the words: dependency injection is in-house, not an injection finding", () => {
    const r = route("dependency injection for the database session");
    expect(r.decision).toBe("handle");
    expect(candidate(r, "security-auditor")?.matched).toEqual([]);
    expect(candidate(route("look for SQL injection"), "security-auditor")?.matched).toEqual(["SQL injection"]);
  });

  it("keeps in-house a task whose delegate evidence is weak, close, or outweighed", () => {
    const r = route("the client gets a 500 from this endpoint");
    expect(r.decision).toBe("handle");
    expect(r.rationale).toBe(
      'Handle in fastapi-pro: in-house "endpoint" (score 2) outweighs frontend-developer\'s "client" (score 1).',
    );
    expect(route("a client question").rationale).toBe(
      'Handle in fastapi-pro: frontend-developer\'s "client" (score 1) is too little to delegate on; nothing in-house matched.',
    );
    // 2.5 against 2 is within the 0.5 margin.
    expect(route("an endpoint for the SDK client").rationale).toBe(
      'Handle in fastapi-pro: frontend-developer\'s "SDK", "client" (score 2.5) is not clearly ahead of in-house "endpoint" (score 2).',
    );
    expect(route("an endpoint for the SDK").rationale).toBe(
      'Handle in fastapi-pro: in-house "endpoint" (score 2) ties with frontend-developer\'s "SDK" (score 2); ties stay in-house.',
    );
  });

  it("points to the delegate's prompt and resource only when that persona is loaded", () => {
    const task = "Set up SSO with Okta";
    expect(route(task, ["fastapi-pro", "security-auditor"]).persona).toEqual({
      prompt: "security-auditor",
      resource: "persona://security-auditor",
    });
    expect(route(task, ["fastapi-pro", "python-pro"]).persona).toBeNull();
    expect(route("add a route", ["python-pro", "security-auditor"]).persona).toBeNull();
  });

  it("refuses an empty, blank or oversized task with a message saying what to do", () => {
    for (const task of ["", "   \n\t "]) {
      expect(() => route(task)).toThrow(UserError);
      expect(() => route(task)).toThrow(/^task is empty: describe the work/);
    }
    expect(() => route("x".repeat(4001))).toThrow(
      "task is 4001 characters, over the 4000-character limit: describe the work in a few sentences",
    );
    expect(route(`partition the events table ${"x".repeat(4000 - 27)}`).delegate).toBe("database-architect");
  });

  it("falls back to the table's words for a row the lexicon does not list", () => {
    const partial: Lexicon = { source: "test", margin: 0, minScore: 1, handle: [{ text: "APIRouter", weight: 4 }], delegates: {} };
    const r = lookupDelegation({ persona: fastapiPro(), lexicon: partial, task: "advanced SQL for reports", loadedPersonas: [] });
    expect(r.delegate).toBe("database-architect");
    expect(candidate(r, "database-architect")?.matched).toEqual(["advanced SQL"]);
  });
});

describe("lookupDelegation without a lexicon", () => {
  const railsPro = makePersona({
    name: "rails-pro",
    skills: ["active-record", "rails-routing"],
    decisionFramework: [{ name: "Views", text: "ERB partials, Turbo frames" }],
    delegation: [
      { delegate: "sql-tuner", when: "Slow queries, indexes" },
      { delegate: "ux-designer", when: "Accessibility, visual design" },
    ],
  });
  const routeRails = (task: string): DelegationResult =>
    lookupDelegation({ persona: railsPro, lexicon: null, task, loadedPersonas: ["ux-designer"] });

  it("routes by the stemmed words of the delegation table", () => {
    const sql = routeRails("This query is slow, which index would help?");
    expect(sql.delegate).toBe("sql-tuner");
    expect(sql.when).toBe("Slow queries, indexes");
    expect(sql.candidates[0]).toEqual({ name: "sql-tuner", when: "Slow queries, indexes", score: 1.75, matched: ["query", "slow", "index"] });
    expect(sql.persona).toBeNull();

    const ux = routeRails("improve the accessibility of the signup form");
    expect(ux.delegate).toBe("ux-designer");
    expect(ux.persona).toEqual({ prompt: "ux-designer", resource: "persona://ux-designer" });
  });

  it("handles what its skills and decision framework name, and ties stay in-house", () => {
    expect(routeRails("add a nested route with rails routing").decision).toBe("handle");
    expect(routeRails("render a Turbo frame").decision).toBe("handle");
    const outweighed = routeRails("design the ERB partials");
    expect(outweighed.decision).toBe("handle");
    expect(outweighed.rationale).toBe(
      'Handle in rails-pro: in-house "ERB partials" (score 2) outweighs ux-designer\'s "design" (score 1).',
    );
    expect(routeRails("visual routing").rationale).toBe(
      'Handle in rails-pro: in-house "routing" (score 1) ties with ux-designer\'s "visual" (score 1); ties stay in-house.',
    );
  });

  it("routes fastapi-pro's own table words when its lexicon is missing", () => {
    const bare = (task: string) => lookupDelegation({ persona: fastapiPro(), lexicon: null, task, loadedPersonas: [] });
    expect(bare("PyO3 optimization of the parser").delegate).toBe("python-pro");
    expect(bare("advanced SQL").delegate).toBe("database-architect");
    expect(bare("OIDC flows").delegate).toBe("security-auditor");
    expect(bare("OpenAPI gen for a client").delegate).toBe("frontend-developer");
    expect(bare("add an APIRouter with dependencies").decision).toBe("handle");
  });
});

describe("lookupDelegation on real phrasing", () => {
  it("reads a phrase across articles and possessives: \"design the schema\" is \"design schema\"", () => {
    const r = route("design the schema for a chat app: conversations, messages, read receipts");
    expect(r.delegate).toBe("database-architect");
    expect(candidate(r, "database-architect")?.matched).toContain("design the schema");
    expect(route("generate our client from openapi.json").delegate).toBe("frontend-developer");
  });

  it("forgives one typo inside a long word, but not one that makes another word", () => {
    expect(route("add an axios interceptr that retries").delegate).toBe("frontend-developer");
    expect(candidate(route("a dependancy that checks the user is admin"), "python-pro")?.score).toBe(0);
    // "general" is not "generate", "context" is not "content".
    const general = route("authentication in general for our general context");
    expect(candidate(general, "frontend-developer")?.matched).toEqual([]);
  });

  it("matches a word written closed or open: \"pen test\" = \"pentest\", \"SOC2\" = \"SOC 2\"", () => {
    expect(candidate(route("pen test the admin endpoints"), "security-auditor")?.matched).toEqual(["pen test"]);
    expect(candidate(route("evidence for SOC2"), "security-auditor")?.matched).toEqual(["SOC2"]);
  });

  it("keeps the rationale on one line when a deciding phrase spans a line break", () => {
    const r = route("Write a query with a window\nfunction over the orders");
    expect(r.delegate).toBe("database-architect");
    expect(r.rationale).toContain('"window function"');
    expect(r.rationale).not.toContain("\n");
  });

  it("keeps app-level work on one model in-house even when it sounds like a delegate's", () => {
    expect(route("add an index to the users.email column in our SQLAlchemy model").delegate).toBeNull();
    expect(route("our react frontend gets CORS errors calling /api/items, fix the backend").delegate).toBeNull();
  });
});
