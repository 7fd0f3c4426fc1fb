import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundledPersonasDir, loadPersonas } from "../../src/persona/load.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const mixed = fileURLToPath(new URL("../fixtures/personas/mixed", import.meta.url));
const variants = fileURLToPath(new URL("../fixtures/personas/variants", import.meta.url));
const inMixed = (name: string) => path.join(mixed, name);

describe("bundledPersonasDir", () => {
  it("is the repository's personas folder, holding fastapi-pro.md", () => {
    expect(bundledPersonasDir()).toBe(path.join(repoRoot, "personas"));
    expect(existsSync(path.join(bundledPersonasDir(), "fastapi-pro.md"))).toBe(true);
  });
});

describe("loadPersonas", () => {
  it("loads the bundled persona with no errors", async () => {
    const { personas, errors } = await loadPersonas([bundledPersonasDir()]);
    expect(errors).toEqual([]);
    expect(personas.map((loaded) => loaded.persona.name)).toEqual(["fastapi-pro"]);
    expect(personas[0]!.file).toBe(path.join(bundledPersonasDir(), "fastapi-pro.md"));
    expect(personas[0]!.dir).toBe(bundledPersonasDir());
    expect(personas[0]!.persona.checklist).toHaveLength(10);
  });

  it("loads the good files of a mixed folder and reports each bad one by file and section", async () => {
    const { personas, errors } = await loadPersonas([mixed]);
    expect(personas.map((loaded) => [loaded.persona.name, loaded.file])).toEqual([
      ["alpha-pro", inMixed("alpha.md")],
      ["gamma-pro", inMixed("gamma.md")],
      ["fastapi-pro", inMixed("override.md")],
    ]);
    // README.md is skipped silently, ignored.txt is not markdown, nested/ is not searched.
    expect(errors.map(({ file, section }) => [path.basename(file), section])).toEqual([
      ["beta.md", "front matter"],
      ["notes.md", "front matter"],
      ["zeta.md", "front matter"],
    ]);
    expect(errors[0]!.message).toMatch(/^.*beta\.md: section "front matter": invalid YAML: /);
    expect(errors[1]!.message).toContain("the file has no front matter");
    expect(errors[2]!.message).toBe(
      `${inMixed("zeta.md")}: persona name "alpha-pro" is already used by ${inMixed("alpha.md")}; ` +
        "the first one loaded is kept, so rename one of them",
    );
  });

  it("keeps a version such as 2.10 as written", async () => {
    const { personas } = await loadPersonas([mixed]);
    const gamma = personas.find((loaded) => loaded.persona.name === "gamma-pro");
    expect(gamma?.persona.version).toBe("2.10");
    expect(gamma?.persona.allowedTools).toEqual(["Read"]);
  });

  it("lets the earlier folder win a name clash, reports a missing folder and ignores a folder given twice", async () => {
    const missing = path.join(mixed, "does-not-exist");
    const bundled = bundledPersonasDir();
    const { personas, errors } = await loadPersonas([bundled, mixed, missing, variants, bundled]);

    expect(personas.map((loaded) => loaded.persona.name)).toEqual([
      "fastapi-pro",
      "alpha-pro",
      "gamma-pro",
      "survey-pro",
      "queue-pro",
      "embedded-pro",
    ]);
    expect(personas[0]!.file).toBe(path.join(bundled, "fastapi-pro.md"));

    const override = errors.find((error) => error.file === inMixed("override.md"));
    expect(override).toEqual({
      file: inMixed("override.md"),
      section: "front matter",
      message:
        `${inMixed("override.md")}: persona name "fastapi-pro" is already used by ${path.join(bundled, "fastapi-pro.md")}; ` +
        "the first one loaded is kept, so rename one of them",
    });
    expect(errors.find((error) => error.section === "folder")).toEqual({
      file: missing,
      section: "folder",
      message: `persona folder ${missing} does not exist`,
    });
    expect(errors).toHaveLength(5);
  });

  it("reports a file given as a folder without throwing", async () => {
    const file = inMixed("alpha.md");
    const { personas, errors } = await loadPersonas([file]);
    expect(personas).toEqual([]);
    expect(errors).toEqual([{ file, section: "folder", message: `persona folder ${file} is not a folder` }]);
  });
});
