import type { Rule } from "./types.js";

// Placeholder being replaced by the real rule (see RULES.md FAPI001); registered so the registry is complete.
export const fapi001: Rule = {
  code: "FAPI001",
  name: "global-state",
  antiPattern: "Global State",
  source: "anti-pattern",
  severity: "warning",
  message: "",
  fix: "",
  docs: { what: "", why: "", example: "", instead: "" },
  check() {
    return [];
  },
};
