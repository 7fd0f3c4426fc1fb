import type { Rule } from "./types.js";

// Placeholder being replaced by the real rule (see RULES.md FAPI002); registered so the registry is complete.
export const fapi002: Rule = {
  code: "FAPI002",
  name: "sync-db-call",
  antiPattern: "Sync DB Calls",
  source: "anti-pattern",
  severity: "warning",
  message: "",
  fix: "",
  docs: { what: "", why: "", example: "", instead: "" },
  check() {
    return [];
  },
};
