import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { UserError } from "../core/errors.js";
import type { LoadedProject } from "../files/types.js";
import type { Persona } from "../persona/schema.js";
import { withProjectIndex, type ParseError } from "../python/analyze.js";
import type { FunctionInfo, ModuleInfo } from "../python/module.js";
import { ASYNC_SESSIONMAKERS, ASYNC_SESSION_TYPES } from "../python/names.js";
import type { ProjectIndex } from "../python/project-index.js";
import { fapi001 } from "../rules/fapi001-global-state.js";
import { fapi002 } from "../rules/fapi002-sync-db-call.js";
import { fapi004 } from "../rules/fapi004-return-dict.js";
import { fapi005 } from "../rules/fapi005-validation-in-view.js";
import { fapi101 } from "../rules/fapi101-blocking-call-in-async.js";
import type { Rule } from "../rules/types.js";
import { checkC02 } from "../checklist/c02-pydantic-schemas.js";
import { docstring, routeHasTags } from "../checklist/c04-openapi-docs.js";
import { ProjectFacts } from "../checklist/project-facts.js";

export type CheckName = "Async" | "Validation" | "Database" | "Docs" | "Testing";
export type CheckStatus = "pass" | "fail" | "not_applicable";

export interface ValidationCheckResult {
  name: CheckName;
  /** The persona's own question for the check. */
  question: string;
  status: CheckStatus;
  reasons: string[];
}

export interface ValidationResult {
  checks: ValidationCheckResult[];
  /** No check fails. */
  ok: boolean;
  parseErrors: ParseError[];
}

/** The five checks in the persona's order, with the question used when a persona words them differently. */
const CHECKS: { name: CheckName; fallback: string }[] = [
  { name: "Async", fallback: "All I/O is `async await`? No blocking?" },
  { name: "Validation", fallback: "Pydantic models for all Inputs/Outputs?" },
  { name: "Database", fallback: "Async Session managed? Pooling on?" },
  { name: "Docs", fallback: "OpenAPI tags/descriptions complete?" },
  { name: "Testing", fallback: "AsyncClient used? Coverage high?" },
];

/** Personas whose pre-response checks have an implementation here. */
const VALIDATED_PERSONAS = new Set(["fastapi-pro"]);

/** Reasons listed per check before "... and N more": the answer goes back into a model's context. */
const MAX_REASONS = 8;

const ASYNC_ENGINE = /(^|\.)(create_async_engine|async_engine_from_config)$/;
const SYNC_ENGINE = /^(sqlalchemy|sqlmodel)(\..+)?\.(create_engine|engine_from_config)$/;
const ASYNC_CLIENT = new Set(["httpx.AsyncClient", "httpx._client.AsyncClient"]);
const TEST_CLIENT = new Set(["fastapi.testclient.TestClient", "starlette.testclient.TestClient"]);

/**
 * Runs the persona's five pre-response checks (RULES.md "Pre-response validation") on code a model is about
 * to answer with. Inline input only: the project is whatever the model wrote, so nothing is read from disk.
 */
export async function validateResponse(
  project: LoadedProject,
  opts: { persona: Persona; signal?: AbortSignal },
): Promise<ValidationResult> {
  if (!VALIDATED_PERSONAS.has(opts.persona.name)) {
    throw new UserError(
      `persona "${opts.persona.name}" has no pre-response checks implemented; personas with checks: ${[...VALIDATED_PERSONAS].join(", ")}`,
    );
  }
  return withProjectIndex(project.pythonFiles, opts.signal ? { signal: opts.signal } : {}, (index, parseErrors) => {
    const facts = new ProjectFacts(index);
    const question = (name: CheckName) =>
      opts.persona.validationChecks.find((c) => c.name.toLowerCase() === name.toLowerCase())?.question ??
      CHECKS.find((c) => c.name === name)!.fallback;
    const results: Record<CheckName, { status: CheckStatus; reasons: string[] }> = {
      Async: asyncCheck(index, facts),
      Validation: validationCheck(index, facts, opts.persona),
      Database: databaseCheck(index, facts),
      Docs: docsCheck(facts),
      Testing: testingCheck(index),
    };
    const checks = CHECKS.map(({ name }) => ({
      name,
      question: question(name),
      status: results[name].status,
      reasons: capped(results[name].reasons),
    }));
    return { checks, ok: checks.every((c) => c.status !== "fail"), parseErrors };
  });
}

function capped(reasons: string[]): string[] {
  return reasons.length <= MAX_REASONS ? reasons : [...reasons.slice(0, MAX_REASONS), `... and ${reasons.length - MAX_REASONS} more`];
}

function where(mod: ModuleInfo, node: Node): string {
  return `${mod.file.path}:${node.startPosition.row + 1}`;
}

/** A rule's findings as reasons, `# noqa` honoured as in the scan. */
function ruleReasons(rule: Rule, index: ProjectIndex): string[] {
  const out: string[] = [];
  for (const hit of rule.check({ index })) {
    const line = hit.node.startPosition.row + 1;
    const noqa = hit.module.noqa.get(line);
    if (noqa === null || noqa?.has(rule.code)) continue;
    out.push(`${hit.module.file.path}:${line} ${rule.code} ${hit.message ?? rule.message}`);
  }
  return [...new Set(out)];
}

function asyncCheck(index: ProjectIndex, facts: ProjectFacts): { status: CheckStatus; reasons: string[] } {
  const reasons = [...ruleReasons(fapi002, index), ...ruleReasons(fapi101, index)];
  const routes = facts.routes;
  const sync = routes.filter((r) => !r.fn.isAsync);
  for (const r of sync) reasons.push(`${where(r.module, r.fn.node)} route handler \`${r.fn.name}\` is a sync \`def\`; make it \`async def\` and await its I/O`);
  const functions = index.modules.filter((m) => !m.isTest).reduce((n, m) => n + m.functions.length, 0);
  if (reasons.length > 0) return { status: "fail", reasons };
  if (routes.length === 0 && functions === 0) return { status: "not_applicable", reasons: ["no functions or route handlers in the code"] };
  return {
    status: "pass",
    reasons: [routes.length > 0 ? `all ${routes.length} route handler(s) are \`async def\`; no blocking or sync DB call on the event loop` : "no blocking or sync DB call on the event loop"],
  };
}

function validationCheck(index: ProjectIndex, facts: ProjectFacts, persona: Persona): { status: CheckStatus; reasons: string[] } {
  if (facts.httpRoutes.length === 0) return { status: "not_applicable", reasons: ["no HTTP route handlers in the code"] };
  const c02 = checkC02({ facts, persona });
  const reasons: string[] = [];
  if (c02.status === "fail") {
    for (const e of c02.evidence) reasons.push(e.file ? `${e.file}${e.line ? `:${e.line}` : ""} ${e.note}` : e.note);
  }
  reasons.push(...ruleReasons(fapi004, index), ...ruleReasons(fapi005, index));
  if (reasons.length > 0) return { status: "fail", reasons };
  return { status: "pass", reasons: [`every body and response of ${facts.httpRoutes.length} HTTP route(s) is a declared schema; no dict returns or validation in views`] };
}

function databaseCheck(index: ProjectIndex, facts: ProjectFacts): { status: CheckStatus; reasons: string[] } {
  const sql = facts.sqlImport;
  if (!sql) return { status: "not_applicable", reasons: ["no database code (no sqlalchemy or sqlmodel import)"] };
  const reasons: string[] = [];
  const asyncUse = index.modules.some(
    (m) => !m.isTest && [...m.imports.values()].some((b) => ASYNC_SESSION_TYPES.has(b.target) || ASYNC_SESSIONMAKERS.has(b.target) || ASYNC_ENGINE.test(b.target)),
  );
  if (!asyncUse) reasons.push("no async engine or session: use `create_async_engine`, `async_sessionmaker` and `AsyncSession`");
  for (const c of facts.calls) {
    if (c.q && SYNC_ENGINE.test(c.q)) reasons.push(`${where(c.module, c.call)} sync engine \`${c.call.childForFieldName("function")?.text ?? c.q}(...)\`: use \`create_async_engine\``);
  }
  // Sessions opened by a handler itself, or at import time, instead of coming from a `Depends` dependency.
  for (const route of facts.routes) {
    for (const fact of route.module.calls) {
      if (fact.scope !== route.fn.scope) continue;
      const tag = index.valueTag(route.module, fact.scope, fact.node);
      if (tag === "sync-session" || tag === "async-session") {
        reasons.push(`${where(route.module, fact.node)} \`${route.fn.name}\` opens its own session with \`${fact.node.text.slice(0, 60)}\`: take it from \`Depends(get_db)\``);
      }
    }
  }
  for (const hit of fapi001.check({ index })) {
    if (/session|connect/i.test(hit.message ?? "")) reasons.push(`${where(hit.module, hit.node)} ${hit.message}`);
  }
  for (const c of facts.calls) {
    if (!c.module.file.content.includes("NullPool")) continue;
    const args = c.call.childForFieldName("arguments");
    for (const kw of args?.namedChildren ?? []) {
      if (kw?.type !== "keyword_argument" || kw.childForFieldName("name")?.text !== "poolclass") continue;
      if (/NullPool$/.test(kw.childForFieldName("value")?.text ?? "")) reasons.push(`${where(c.module, kw)} \`${kw.text}\` turns pooling off: keep the default pool`);
    }
  }
  if (reasons.length > 0) return { status: "fail", reasons };
  return { status: "pass", reasons: ["async engine/session used, sessions come from dependencies, pooling on"] };
}

function docsCheck(facts: ProjectFacts): { status: CheckStatus; reasons: string[] } {
  const routes = facts.httpRoutes;
  const apps = facts.apps;
  if (routes.length === 0 && apps.length === 0) return { status: "not_applicable", reasons: ["no app or HTTP routes in the code"] };
  const reasons: string[] = [];
  for (const app of apps) {
    if (!app.args.keywords.has("title")) reasons.push(`${where(app.module, app.call)} \`FastAPI(...)\` has no \`title=\``);
  }
  for (const r of routes) {
    const missing: string[] = [];
    if (!routeHasTags(facts, r)) missing.push("tags");
    if (!r.args.keywords.has("summary") && !r.args.keywords.has("description") && !docstring(r.fn)) missing.push("summary, description or docstring");
    if (missing.length > 0) reasons.push(`${where(r.module, r.fn.node)} route \`${r.fn.name}\` has no ${missing.join(" and no ")}`);
  }
  if (reasons.length > 0) return { status: "fail", reasons };
  return { status: "pass", reasons: [`${routes.length} route(s) tagged and described${apps.length > 0 ? "; the app has a title" : ""}`] };
}

function isTestFunction(fn: FunctionInfo): boolean {
  return fn.name === "test" || fn.name.startsWith("test_");
}

function testingCheck(index: ProjectIndex): { status: CheckStatus; reasons: string[] } {
  // Test code: test files, or test functions written alongside the answer in one snippet.
  const testFns = index.modules.flatMap((m) => m.functions.filter((fn) => (m.isTest || fn.outer.kind === "module") && isTestFunction(fn)));
  const testModules = new Set([...index.modules.filter((m) => m.isTest), ...testFns.map((f) => f.module)]);
  if (testModules.size === 0) {
    return { status: "fail", reasons: ["no tests: add a pytest test that calls the app through `httpx.AsyncClient(transport=ASGITransport(app=app))`"] };
  }
  let asyncClient: string | null = null;
  let testClient: string | null = null;
  for (const mod of testModules) {
    for (const fact of mod.calls) {
      const q = index.qualify(mod, fact.node.childForFieldName("function"));
      if (!q) continue;
      const canonical = index.canonical(q, mod);
      if (!asyncClient && ASYNC_CLIENT.has(canonical)) asyncClient = where(mod, fact.node);
      if (!testClient && TEST_CLIENT.has(canonical)) testClient = where(mod, fact.node);
    }
  }
  if (asyncClient) return { status: "pass", reasons: [`tests call the app through \`httpx.AsyncClient\` (${asyncClient})`] };
  if (testClient) {
    return { status: "fail", reasons: [`tests use the sync \`TestClient\` (${testClient}); use \`httpx.AsyncClient(transport=ASGITransport(app=app))\` in async tests`] };
  }
  return { status: "fail", reasons: ["tests do not call the app through `httpx.AsyncClient`"] };
}
