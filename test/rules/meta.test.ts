import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePersona } from "../../src/persona/parse.js";
import { FASTAPI_PRO_RULES } from "../../src/rules/registry.js";
import type { Rule } from "../../src/rules/types.js";
import { scanFiles } from "./helpers.js";

/**
 * The rule pack checks itself, as eslint-plugin-unicorn's test/package.js does: every rule file is registered,
 * documented from the persona it implements, and has a fixture that shows where it fires and where it must not.
 */
const rulesDir = new URL("../../src/rules/", import.meta.url);
const fixturesDir = new URL("../fixtures/rules/", import.meta.url);
const personaFile = fileURLToPath(new URL("../../personas/fastapi-pro.md", import.meta.url));
const persona = parsePersona(readFileSync(personaFile, "utf8"), personaFile);

/** `fapi004-return-dict.ts`; helpers of a rule share its prefix (`fapi005-input-condition.ts`) and export no Rule. */
const ruleFileNames = readdirSync(rulesDir).filter((f) => /^fapi\d+-[a-z0-9-]+\.ts$/.test(f)).sort();

function isRule(value: unknown): value is Rule {
  return typeof value === "object" && value !== null && "code" in value && "check" in value && typeof (value as Rule).check === "function";
}

const exported = await Promise.all(
  ruleFileNames.map(async (file) => {
    const mod = (await import(new URL(file, rulesDir).href)) as Record<string, unknown>;
    return { file, rules: Object.values(mod).filter(isRule) };
  }),
);

describe("rule pack", () => {
  it("registers every rule exported by a src/rules/fapi*.ts file, and nothing else", () => {
    const fromFiles = exported.flatMap((e) => e.rules);
    for (const e of exported) {
      for (const rule of e.rules) expect(FASTAPI_PRO_RULES, `${e.file} exports ${rule.code}, which the registry does not list`).toContain(rule);
    }
    for (const rule of FASTAPI_PRO_RULES) expect(fromFiles, `${rule.code} is registered but not exported by a src/rules/fapi*.ts file`).toContain(rule);
  });

  it("keeps one rule per file, named fapiNNN-<name>.ts after its code and name", () => {
    for (const rule of FASTAPI_PRO_RULES) {
      const file = `${rule.code.toLowerCase()}-${rule.name}.ts`;
      const entry = exported.find((e) => e.file === file);
      expect(entry, `${rule.code} should live in src/rules/${file}`).toBeDefined();
      expect(entry?.rules).toEqual([rule]);
    }
  });

  it("gives the remaining fapi*.ts files, the helpers, the prefix of a registered rule", () => {
    const codes = new Set(FASTAPI_PRO_RULES.map((r) => r.code.toLowerCase()));
    for (const e of exported.filter((x) => x.rules.length === 0)) {
      expect(codes, `${e.file} exports no rule, so it should be a helper of a registered rule`).toContain(e.file.split("-")[0]);
    }
  });

  it("uses unique, well-formed codes and names, in code order", () => {
    const codes = FASTAPI_PRO_RULES.map((r) => r.code);
    const names = FASTAPI_PRO_RULES.map((r) => r.name);
    for (const code of codes) expect(code).toMatch(/^FAPI\d{3}$/);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
    expect(codes).toEqual([...codes].sort());
  });

  it("implements every anti-pattern of the persona's table", () => {
    const implemented = new Set(FASTAPI_PRO_RULES.filter((r) => r.source === "anti-pattern").map((r) => r.antiPattern));
    expect(persona.antiPatterns.length).toBeGreaterThan(0);
    for (const ap of persona.antiPatterns) expect(implemented, `no rule implements "${ap.name}"`).toContain(ap.name);
  });
});

describe.each(FASTAPI_PRO_RULES.map((rule) => [rule.code, rule] as const))("%s", (code, rule) => {
  it("is documented: message, fix, severity and docs what/why/example/instead", () => {
    expect(rule.message.trim(), "message").not.toBe("");
    expect(rule.fix.trim(), "fix").not.toBe("");
    expect(["error", "warning", "info"]).toContain(rule.severity);
    for (const key of ["what", "why", "example", "instead"] as const) expect(rule.docs[key].trim(), `docs.${key}`).not.toBe("");
  });

  it("names what it implements in the persona, and quotes the persona's fix", () => {
    if (rule.source === "anti-pattern") {
      const row = persona.antiPatterns.find((ap) => ap.name === rule.antiPattern);
      expect(row, `"${rule.antiPattern}" is not a row of the persona's anti-pattern table`).toBeDefined();
      expect(rule.fix, "the fix must quote the persona's fix verbatim").toContain(row?.fix);
    } else {
      expect(persona.principles.map((p) => p.name), `"${rule.antiPattern}" is not a persona principle`).toContain(rule.antiPattern);
    }
  });

  it("has a fixture with at least one # ruleid: and one # ok: line", () => {
    const fixture = new URL(`${code}.py`, fixturesDir);
    expect(existsSync(fixture), `test/fixtures/rules/${code}.py`).toBe(true);
    if (!existsSync(fixture)) return;
    const source = readFileSync(fixture, "utf8");
    const annotated = (kind: string) => new RegExp(`#\\s*${kind}:\\s*[A-Z0-9, ]*\\b${code}\\b`).test(source);
    expect(annotated("ruleid"), "a # ruleid: line").toBe(true);
    expect(annotated("ok"), "a # ok: line").toBe(true);
  });

  // Examples are snippets a user may paste, so they carry their imports: names resolve only through them.
  it("fires on its docs example and not on the example's fix", async () => {
    const example = await scanFiles({ "app/example.py": rule.docs.example }, { select: [code] });
    const instead = await scanFiles({ "app/example.py": rule.docs.instead }, { select: [code] });
    expect(example.summary.parseErrors, "docs.example parses").toEqual([]);
    expect(instead.summary.parseErrors, "docs.instead parses").toEqual([]);
    expect(example.findings.length, "docs.example, a self-contained snippet with its imports, fires").toBeGreaterThan(0);
    expect(instead.findings, "docs.instead is clean").toEqual([]);
  });
});
