import { describe, expect, it } from "vitest";
import { stem } from "../../src/delegation/stem.js";

describe("stem", () => {
  it.each([
    ["partition", "partitions", "partitioned", "partitioning"],
    ["query", "queries", "queried", "Query"],
    ["index", "indexes", "indices"],
    ["migration", "migrations", "migrate", "migrating"],
    ["normalize", "normalise", "normalization", "normalisation", "normalized"],
    ["schema", "schemas"],
    ["cache", "caches", "caching", "cached"],
    ["generate", "generating", "generated", "generation"],
    ["log", "logs", "logging", "logged"],
    ["policy", "policies"],
  ])("gives %s and its forms one stem", (...forms) => {
    const stems = new Set(forms.map(stem));
    expect(stems.size).toBe(1);
  });

  it.each([
    ["generator", "generate"],
    ["router", "route"],
    ["status", "stat"],
    ["class", "clas"],
    ["installed", "instal"],
  ])("keeps %s apart from %s", (a, b) => {
    expect(stem(a)).not.toBe(stem(b));
  });

  it("leaves short words, acronyms and words with digits or underscores as they are (lowercased)", () => {
    expect(stem("GIL")).toBe("gil");
    expect(stem("k8s")).toBe("k8s");
    expect(stem("oauth2")).toBe("oauth2");
    expect(stem("create_async_engine")).toBe("create_async_engine");
  });
});
