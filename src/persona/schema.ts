import { z } from "zod";

/** One row of the persona's "Delegation Strategy" table. */
export const DelegationRowSchema = z.object({
  delegate: z.string().min(1),
  when: z.string(),
});

/** One of the "Pre-Response Validation Framework" checks, e.g. { name: "Async", question: "All I/O is ..." }. */
export const ValidationCheckSchema = z.object({
  name: z.string().min(1),
  question: z.string(),
  /** Sub-items when written as `### 1. Name` followed by `- [ ] ...` lines. */
  items: z.array(z.string()),
});

export const DecisionStepSchema = z.object({
  name: z.string().min(1),
  text: z.string(),
});

export const PrincipleSchema = z.object({
  name: z.string().min(1),
  /** "100%" for `(Target: 100%)`, null when the persona gives none. */
  target: z.string().nullable(),
  text: z.string(),
});

export const PatternSchema = z.object({
  name: z.string().min(1),
  text: z.string(),
});

export const AntiPatternSchema = z.object({
  name: z.string().min(1),
  fix: z.string(),
  /** Extra columns of wider tables (e.g. `Pattern`, `Use Case`), keyed by header. */
  extra: z.record(z.string(), z.string()),
});

export const ChecklistItemSchema = z.object({
  /** C01..Cnn in document order. */
  id: z.string().regex(/^C\d{2,}$/),
  text: z.string().min(1),
});

export const PersonaSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  version: z.string().nullable(),
  agents: z.record(z.string(), z.string()),
  skills: z.array(z.string()),
  allowedTools: z.array(z.string()),
  triggers: z.array(z.string()),
  /** Front-matter keys this model does not name (e.g. `color`, `model`, `maxTurns`), kept as given. */
  extraFrontMatter: z.record(z.string(), z.unknown()),
  /** Title of the body (first `#` heading after the `# Persona:` line, if any). */
  title: z.string().nullable(),
  delegation: z.array(DelegationRowSchema),
  validationChecks: z.array(ValidationCheckSchema),
  decisionFramework: z.array(DecisionStepSchema),
  principles: z.array(PrincipleSchema),
  patterns: z.array(PatternSchema),
  antiPatterns: z.array(AntiPatternSchema),
  checklist: z.array(ChecklistItemSchema),
  /** The markdown body without front matter and without runtime markers (`// turbo-all`, `// parallel`, ...). */
  body: z.string(),
  /** The file as written, front matter included (served as the `persona://` resource). */
  markdown: z.string(),
});

export type DelegationRow = z.infer<typeof DelegationRowSchema>;
export type ValidationCheck = z.infer<typeof ValidationCheckSchema>;
export type DecisionStep = z.infer<typeof DecisionStepSchema>;
export type Principle = z.infer<typeof PrincipleSchema>;
export type Pattern = z.infer<typeof PatternSchema>;
export type AntiPattern = z.infer<typeof AntiPatternSchema>;
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;
export type Persona = z.infer<typeof PersonaSchema>;

/** A persona loaded from disk, with where it came from. */
export interface LoadedPersona {
  persona: Persona;
  /** Absolute path of the persona file. */
  file: string;
  /** The folder it was loaded from (sidecar data such as `<name>.delegation.yaml` lives beside it). */
  dir: string;
}

/** A persona file that could not be loaded: names the file and the section at fault. */
export interface PersonaLoadError {
  file: string;
  section: string;
  message: string;
}
