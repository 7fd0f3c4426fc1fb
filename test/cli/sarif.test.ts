import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FASTAPI_PRO_RULES } from "../../src/rules/registry.js";
import { expectBuilt, runCli, tempProject, TWO_FINDINGS, type TempProject } from "./helpers.js";

// The official SARIF 2.1.0 schema (draft-04, as OASIS published it), as shipped by Microsoft's SARIF tooling.
const require = createRequire(import.meta.url);
// CommonJS packages whose module object is the export itself: required, so that types and runtime agree.
const Ajv = require("ajv-draft-04") as typeof import("ajv-draft-04").default;
const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as object;
// The schema's language-tag pattern is not valid as a Unicode regular expression, so ajv must not add the `u` flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let project: TempProject;
beforeAll(async () => {
  expectBuilt();
  project = await tempProject({ "app/routes.py": TWO_FINDINGS, "my app/x.py": TWO_FINDINGS.replace("time.sleep(1)", "pass") });
});
afterAll(() => project.cleanup());

async function sarif(args: string[]): Promise<{ code: number | null; log: any }> {
  const run = await runCli(["scan", ...args, "--format", "sarif"], { cwd: project.dir });
  expect(run.stderr).toBe("");
  return { code: run.code, log: JSON.parse(run.stdout) };
}

describe("persona-mcp scan --format sarif", () => {
  it("is valid SARIF 2.1.0 by the official schema, with findings and without", async () => {
    const found = await sarif(["app"]);
    expect(found.code).toBe(1);
    expect(validate(found.log), JSON.stringify(validate.errors)).toBe(true);
    const clean = await sarif(["app", "--select", "FAPI002"]);
    expect(clean.code).toBe(0);
    expect(validate(clean.log), JSON.stringify(validate.errors)).toBe(true);
    expect(clean.log.runs[0].results).toEqual([]);
  });

  it("the schema check is real: a log missing a driver name is rejected", async () => {
    const { log } = await sarif(["app"]);
    delete log.runs[0].tool.driver.name;
    expect(validate(log)).toBe(false);
  });

  it("describes every rule as GitHub code scanning reads it", async () => {
    const { log } = await sarif(["app"]);
    const run = log.runs[0];
    expect(log.version).toBe("2.1.0");
    expect(run.tool.driver.name).toBe("persona-mcp");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(FASTAPI_PRO_RULES.map((r) => r.code));
    const fapi004 = run.tool.driver.rules[3];
    expect(fapi004.id).toBe("FAPI004");
    expect(fapi004.name).toBe("return-dict");
    expect(fapi004.shortDescription.text).toBe(
      "Route handler returns a dict with no response model: the response is unvalidated and undocumented in OpenAPI",
    );
    expect(fapi004.fullDescription.text).toMatch(/^Flags HTTP route handlers that return a dict literal/);
    expect(fapi004.defaultConfiguration).toEqual({ level: "warning" });
    expect(fapi004.help.markdown).toContain(
      "## Fix\nReturn Pydantic Models: declare the response with a model (`-> Item`, or `response_model=Item`) and return an instance of it.",
    );
    expect(fapi004.help.markdown).toContain("## Use instead\n```python\nclass Item(BaseModel):");
    expect(fapi004.help.text).toContain("Fix: Return Pydantic Models:");
    const levels = Object.fromEntries(run.tool.driver.rules.map((r: any) => [r.id, r.defaultConfiguration.level]));
    const expected = Object.fromEntries(
      FASTAPI_PRO_RULES.map((r) => [r.code, { error: "error", warning: "warning", info: "note" }[r.severity]]),
    );
    expect(levels).toEqual(expected);
  });

  it("gives each result its rule, level, message and a %SRCROOT%-relative region", async () => {
    const { log } = await sarif(["app"]);
    const run = log.runs[0];
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe(`${pathToFileURL(project.dir).href}/`);
    expect(run.results[0]).toEqual({
      ruleId: "FAPI004",
      ruleIndex: 3,
      level: "warning",
      message: {
        text: "Route handler returns a dict with no response model: the response is unvalidated and undocumented in OpenAPI",
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "app/routes.py", uriBaseId: "%SRCROOT%" },
            region: { startLine: 6, startColumn: 1, endLine: 6, endColumn: 17 },
          },
        },
      ],
    });
    expect(run.results[1]).toMatchObject({ ruleId: "FAPI101", ruleIndex: 5 });
    expect(run.results[1].locations[0].physicalLocation.region).toEqual({
      startLine: 10,
      startColumn: 5,
      endLine: 10,
      endColumn: 18,
    });
  });

  it("percent-encodes paths into URI references", async () => {
    const { log } = await sarif(["my app"]);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("my%20app/x.py");
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });
});
