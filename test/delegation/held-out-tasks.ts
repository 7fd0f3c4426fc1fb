import type { LabeledTask } from "./labeled-tasks.js";

// Written AFTER the lexicon, and never used to tune it: an honest estimate of accuracy on unseen phrasing.
// A miss here is reported, not fixed by adding the missing word.
export const HELD_OUT_TASKS: LabeledTask[] = [
  { task: "how do i inject a redis client into my path operations without a global", expect: "handle" },
  { task: "make the POST /invoices handler validate that due_date is after issue_date", expect: "handle" },
  { task: "mount a sub-application under /v2 and version the api routes", expect: "handle" },
  { task: "add structured json logging with a request id to every request", expect: "handle" },
  { task: "my pytest fixtures can't override the db dependency, tests hit the real database", expect: "handle" },
  { task: "stream a large CSV export from an endpoint without loading it all in memory", expect: "handle" },

  { task: "why does my class-level list get shared by all instances", expect: "python-pro" },
  { task: "explain how __slots__ reduce memory and when they break pickling", expect: "python-pro" },
  { task: "write a rust function exposed to python that parses log lines fast", expect: "python-pro" },
  { task: "whats the cleanest way to write an iterator class vs a generator function", expect: "python-pro" },
  { task: "our wheels fail to build on alpine, fix the packaging for musl", expect: "python-pro" },
  { task: "does threading help for numpy heavy code or do i need processes", expect: "python-pro" },

  { task: "we keep 2 billion rows of clickstream; how should we lay out tables and indexes", expect: "database-architect" },
  { task: "use LAG and LEAD to compute time between a user's sessions in SQL", expect: "database-architect" },
  { task: "should customer addresses be their own table or a JSONB column? think about normalization", expect: "database-architect" },
  { task: "plan a zero-downtime move of the orders table to a partitioned layout", expect: "database-architect" },
  { task: "pick a sharding key for a multi-region user store", expect: "database-architect" },
  { task: "the dashboard query with 5 joins takes 8 seconds, help me rewrite it and pick indexes", expect: "database-architect" },

  { task: "wire the signup page in our react app to POST /users and show field errors", expect: "frontend-developer" },
  { task: "generate kotlin retrofit interfaces from our openapi.json for the android team", expect: "frontend-developer" },
  { task: "my vue store should cache the product list fetched from the api", expect: "frontend-developer" },
  { task: "regenerate the ts sdk in CI whenever the backend schema changes", expect: "frontend-developer" },
  { task: "infinite scroll in the web client using the cursor pagination of our endpoint", expect: "frontend-developer" },
  { task: "how should the mobile client retry when the API returns 429", expect: "frontend-developer" },

  { task: "let users log in with their microsoft accounts", expect: "security-auditor" },
  { task: "is storing the access token in localStorage safe? review our token handling", expect: "security-auditor" },
  { task: "hook up our API to the company's okta tenant so staff can sign in once", expect: "security-auditor" },
  { task: "audit our dependencies and config for known CVEs before the release", expect: "security-auditor" },
  { task: "trade the IdP's token for an internal token for downstream services", expect: "security-auditor" },
  { task: "pentest findings say our /reset-password flow allows account takeover, assess it", expect: "security-auditor" },
];
