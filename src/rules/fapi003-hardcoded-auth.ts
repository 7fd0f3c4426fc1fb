import type { Rule } from "./types.js";

// Placeholder being replaced by the real rule (see RULES.md FAPI003); registered so the registry is complete.
export const fapi003: Rule = {
  code: "FAPI003",
  name: "hardcoded-auth",
  antiPattern: "Hardcoded Auth",
  source: "anti-pattern",
  severity: "warning",
  message: "",
  fix: "",
  docs: { what: "", why: "", example: "", instead: "" },
  check() {
    return [];
  },
};
