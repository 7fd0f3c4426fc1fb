import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePersona } from "../../src/persona/parse.js";
import { PersonaSchema } from "../../src/persona/schema.js";

// Real persona files kept beside the repository, not in it; elsewhere this suite is skipped.
const corpus = fileURLToPath(new URL("../../../shared/personas-corpus/", import.meta.url));
const present = existsSync(corpus);

const expected = {
  "python-pro": { delegation: 4, checks: 5, steps: 6, principles: 5, patterns: 4, antiPatterns: 5, checklist: 10 },
  "django-pro": { delegation: 4, checks: 5, steps: 6, principles: 5, patterns: 4, antiPatterns: 5, checklist: 10 },
  "systems-engineer": { delegation: 4, checks: 5, steps: 3, principles: 3, patterns: 0, antiPatterns: 5, checklist: 7 },
  "turing-pro": { delegation: 4, checks: 5, steps: 5, principles: 4, patterns: 0, antiPatterns: 0, checklist: 9 },
};

describe.skipIf(!present)("the persona corpus", () => {
  it.each(Object.entries(expected))("%s parses with the sections it has", (name, counts) => {
    const file = `${corpus}${name}.md`;
    const persona = parsePersona(readFileSync(file, "utf8"), file);
    expect(PersonaSchema.safeParse(persona).success).toBe(true);
    expect(persona.name).toBe(name);
    expect({
      delegation: persona.delegation.length,
      checks: persona.validationChecks.length,
      steps: persona.decisionFramework.length,
      principles: persona.principles.length,
      patterns: persona.patterns.length,
      antiPatterns: persona.antiPatterns.length,
      checklist: persona.checklist.length,
    }).toEqual(counts);
    expect(persona.checklist.at(-1)?.id).toBe(`C${String(counts.checklist).padStart(2, "0")}`);
    expect(persona.body).not.toMatch(/\/\/ (turbo-all|parallel|end-parallel)/);
  });

  it("python-pro names fastapi-pro as a delegate", () => {
    const file = `${corpus}python-pro.md`;
    const persona = parsePersona(readFileSync(file, "utf8"), file);
    expect(persona.delegation[1]).toEqual({ delegate: "fastapi-pro", when: "API implementation details" });
  });

  it("systems-engineer keeps its other front-matter keys and the extra anti-pattern columns", () => {
    const file = `${corpus}systems-engineer.md`;
    const persona = parsePersona(readFileSync(file, "utf8"), file);
    expect(persona.extraFrontMatter).toEqual({ color: "magenta", model: "sonnet", maxTurns: 35 });
    expect(persona.triggers).toEqual([]);
    expect(persona.antiPatterns[0]).toEqual({
      name: "Manual Free",
      fix: "Use destructors/Drop",
      extra: { Pattern: "RAII", "Use Case": "Resource Management" },
    });
    expect(persona.validationChecks[2]?.items).toHaveLength(3);
  });

  it("turing-pro reads checks from `### 1. Name` sub-headings, not the `### Step 4: Model Validation` sub-section", () => {
    const file = `${corpus}turing-pro.md`;
    const persona = parsePersona(readFileSync(file, "utf8"), file);
    expect(persona.validationChecks.map((check) => check.name)).toEqual([
      "Problem Domain Verification",
      "Sampler Selection",
      "Identifiability",
      "Convergence Plan",
      "Validation Strategy",
    ]);
    expect(persona.principles[0]).toMatchObject({ name: "Statistical Rigor", target: "94%" });
    expect(persona.decisionFramework[4]?.name).toBe("Reporting");
    expect(persona.decisionFramework[4]?.text.endsWith("| Uncertainty | Full posterior predictive |")).toBe(true);
  });
});
