import type { Rule } from "./types.js";

// Placeholder being replaced by the real rule (see RULES.md FAPI102); registered so the registry is complete.
export const fapi102: Rule = {
  code: "FAPI102",
  name: "cors-wildcard-credentials",
  antiPattern: "Security",
  source: "anti-pattern",
  severity: "warning",
  message: "",
  fix: "",
  docs: { what: "", why: "", example: "", instead: "" },
  check() {
    return [];
  },
};
