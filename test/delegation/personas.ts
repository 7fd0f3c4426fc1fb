import type { DelegationRow, Persona } from "../../src/persona/schema.js";

/** A Persona built by hand, so these tests do not depend on the markdown parser. */
export function makePersona(overrides: Partial<Persona> & { name: string; delegation: DelegationRow[] }): Persona {
  return {
    description: "",
    version: null,
    agents: {},
    skills: [],
    allowedTools: [],
    triggers: [],
    extraFrontMatter: {},
    title: null,
    validationChecks: [],
    decisionFramework: [],
    principles: [],
    patterns: [],
    antiPatterns: [],
    checklist: [],
    body: "",
    markdown: "",
    ...overrides,
  };
}

/** fastapi-pro as its persona file states it: the delegation table, skills and decision framework. */
export function fastapiPro(): Persona {
  return makePersona({
    name: "fastapi-pro",
    description: "FastAPI expert",
    skills: ["fastapi-framework", "pydantic-v2", "sqlalchemy-async", "async-architecture"],
    delegation: [
      { delegate: "python-pro", when: "Core Python lang features, PyO3 optimization" },
      { delegate: "database-architect", when: "Schema design, advanced SQL" },
      { delegate: "frontend-developer", when: "API consumption, OpenAPI gen" },
      { delegate: "security-auditor", when: "OAuth2/OIDC flows" },
    ],
    decisionFramework: [
      { name: "Schema Design", text: "Pydantic V2 (BaseModel, ConfigDict)." },
      { name: "Routing", text: "APIRouter, Dependencies (DI)." },
      { name: "Data Layer", text: "SQLAlchemy 2.0 (Async), Alembic." },
      { name: "Security", text: "OAuth2PasswordBearer, JWT." },
      { name: "Performance", text: "Uvicorn workers, JSON serialization." },
      { name: "Deployment", text: "Docker (Distroless), K8s." },
    ],
  });
}
