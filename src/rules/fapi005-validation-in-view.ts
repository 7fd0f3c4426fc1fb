import type { Rule } from "./types.js";

// Placeholder being replaced by the real rule (see RULES.md FAPI005); registered so the registry is complete.
export const fapi005: Rule = {
  code: "FAPI005",
  name: "validation-in-view",
  antiPattern: "Validation in View",
  source: "anti-pattern",
  severity: "warning",
  message: "",
  fix: "",
  docs: { what: "", why: "", example: "", instead: "" },
  check() {
    return [];
  },
};
