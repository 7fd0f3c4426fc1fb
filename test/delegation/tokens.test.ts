import { describe, expect, it } from "vitest";
import { termPattern, tokenize } from "../../src/delegation/tokens.js";

describe("tokenize", () => {
  it("splits camelCase and snake_case identifiers into stemmed parts and keeps the whole", () => {
    const { parts, words } = tokenize("use OAuth2PasswordBearer and create_async_engine");
    expect(parts.map((p) => p.stem)).toEqual(["use", "o", "auth2", "password", "bearer", "and", "creat", "async", "engin"]);
    expect(words.map((w) => w.whole)).toEqual(["use", "oauth2passwordbearer", "and", "create_async_engine"]);
    expect(words[1]).toMatchObject({ first: 1, last: 4, start: 4, end: 24 });
  });

  it("reads a plural acronym as the acronym, not as a camelCase identifier", () => {
    expect(tokenize("CTEs and SDKs").parts.map((p) => p.stem)).toEqual(["cte", "and", "sdk"]);
  });

  it("separates words at hyphens, slashes and dots", () => {
    const { words } = tokenize("multi-tenant OAuth2/OIDC next.js");
    expect(words.map((w) => w.whole)).toEqual(["multi", "tenant", "oauth2", "oidc", "next", "js"]);
  });
});

describe("termPattern", () => {
  it("matches an identifier term as a whole and a word or phrase term by its stems", () => {
    expect(termPattern("OAuth2PasswordBearer")).toEqual({ kind: "whole", whole: "oauth2passwordbearer" });
    expect(termPattern("__new__")).toEqual({ kind: "whole", whole: "__new__" });
    expect(termPattern("window functions")).toEqual({ kind: "phrase", stems: ["window", "function"] });
    expect(termPattern("!!")).toBeNull();
  });
});
