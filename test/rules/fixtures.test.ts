import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FASTAPI_PRO_RULES } from "../../src/rules/registry.js";
import { scanFiles } from "./helpers.js";

const dir = new URL("../fixtures/rules/", import.meta.url);

/**
 * Each rule's fixture says what it expects, semgrep-style: `# ruleid: CODE` on the line before each expected
 * finding, `# ok: CODE` before each near-miss. The comparison is strict both ways.
 */
function expectedLines(source: string, code: string): number[] {
  const lines = source.split("\n");
  const out: number[] = [];
  lines.forEach((text, i) => {
    const m = /#\s*ruleid:\s*([A-Z0-9, ]+)/.exec(text);
    if (m?.[1]?.split(/[ ,]+/).includes(code)) out.push(i + 2);
  });
  return out;
}

describe("rule fixtures", () => {
  const files = readdirSync(dir).filter((f) => /^FAPI\d+\.py$/.test(f));
  for (const rule of FASTAPI_PRO_RULES) {
    const file = `${rule.code}.py`;
    it.runIf(files.includes(file))(`${rule.code} fires exactly on its # ruleid lines`, async () => {
      const source = readFileSync(new URL(file, dir), "utf8");
      const result = await scanFiles({ [`app/${file}`]: source }, { select: [rule.code] });
      const actual = result.findings.map((f) => f.line);
      expect(actual).toEqual(expectedLines(source, rule.code));
      expect(result.summary.parseErrors).toEqual([]);
    });
  }
});
