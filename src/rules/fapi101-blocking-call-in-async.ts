import type { Rule } from "./types.js";

// Placeholder being replaced by the real rule (see RULES.md FAPI101); registered so the registry is complete.
export const fapi101: Rule = {
  code: "FAPI101",
  name: "blocking-call-in-async",
  antiPattern: "Async First",
  source: "anti-pattern",
  severity: "warning",
  message: "",
  fix: "",
  docs: { what: "", why: "", example: "", instead: "" },
  check() {
    return [];
  },
};
