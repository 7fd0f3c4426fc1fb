import type { LabeledTask } from "./labeled-tasks.js";

// A second held-out set: 100 tasks (20 per outcome) phrased the way developers write in chat, issues and
// tickets: vague and specific, one line and a paragraph, typos, mixed topics, code identifiers, framework names.
// Written BEFORE any lexicon or scoring change made for it, and labeled by RULES.md "Delegation lookup".
// Baseline with the lexicon as it stood when this set was written: see the commit that added it.
//
// Boundaries, decided here once so the labels stay consistent:
// - Database work on ONE app's models (a column, a unique constraint, a one-column index, eager loading,
//   a soft-delete flag, an Alembic migration) is app work: handle. Indexing strategy, schema layout across
//   tables/tenants/services, query plans, advanced SQL, replication, partitioning, extensions (pgvector,
//   TimescaleDB, Citus) and database operations (vacuum, locking) go to database-architect.
// - A FastAPI task that names a client (CORS for a React app, operationIds "so the frontend can generate a
//   client") is handle when the work is in the backend; building or generating the client is frontend-developer.
// - JWT issued and checked by the app itself is handle; an external identity provider (Keycloak, Auth0,
//   Okta, Cognito, Entra, Apple/Google/GitHub login, SAML), token exchange, and any review, audit, pentest,
//   vulnerability triage or threat model is security-auditor, even when it names JWT or FastAPI.
// - Core Python with no FastAPI work in it (typing, dataclasses, asyncio semantics, packaging, profiling,
//   native speedups) is python-pro, even when the codebase is a FastAPI service.
// Typos are deliberate ("dependancy", "postgress", "authentification", "pyton", "fronted"): people write them.
export const REAL_PHRASING_TASKS: LabeledTask[] = [
  // handle (20)
  // One column, one app model: app work, not indexing strategy.
  { task: "add an index to the users.email column in our SQLAlchemy model", expect: "handle" },
  { task: "we're getting dupes, make email unique on the User model and add the alembic migration", expect: "handle" },
  { task: "POST /orders returns 500 when quantity is a string instead of a 422, using pydantic v2", expect: "handle" },
  // The app issues and checks its own tokens: in-app JWT, not an identity provider.
  {
    task: "login endpoint: check the password (argon2 hash), then issue a JWT access token plus a refresh token",
    expect: "handle",
  },
  { task: "add rate limiting per api key on the public endpoints, maybe slowapi?", expect: "handle" },
  // Names React, but the fix is CORS in the backend.
  { task: "our react frontend gets CORS errors calling /api/items from localhost:5173, fix the backend", expect: "handle" },
  // Names the frontend and client generation, but the work is in the app's OpenAPI output.
  {
    task: "give every route a clean operationId in the FastAPI openapi output so the frontend team can generate a client",
    expect: "handle",
  },
  // ORM loading strategy inside the app, not a query plan question.
  { task: "N+1 problem: listing /authors with their books fires 200 queries, use selectinload?", expect: "handle" },
  {
    task: "tests are flaky bc the async db session is shared between tests, how do I do per-test transaction rollback with pytest-asyncio",
    expect: "handle",
  },
  {
    task:
      "We have a FastAPI service on k8s behind an nginx ingress. After each deploy some requests get 502 for about " +
      "30 seconds. I think uvicorn isn't shutting down gracefully and the readiness probe passes too early. Can you " +
      "fix the lifespan handler and the probe config?",
    expect: "handle",
  },
  { task: "stream openai completions to the client over SSE from a fastapi route", expect: "handle" },
  { task: "add a /healthz endpoint that also checks db connectivity", expect: "handle" },
  { task: "how do I version my api, /v1 and /v2 routers sharing the same deps", expect: "handle" },
  { task: "return datetimes as ISO 8601 with timezone in all responses, right now they come out naive", expect: "handle" },
  { task: "upload an image, resize it in a background task and save it to S3", expect: "handle" },
  { task: "dependancy that checks the user is admin, reused accross all the admin routers", expect: "handle" },
  { task: "pydantic model for the stripe webhook payload + verify the Stripe-Signature header before processing", expect: "handle" },
  {
    task: "switching from sync Session to AsyncSession and now lazy loads raise MissingGreenlet errors",
    expect: "handle",
  },
  { task: "the api docker image is 1.2GB, slim it down and run it as non-root", expect: "handle" },
  // A flag on one model and a shared filter: app work even though it says "every query".
  { task: "add soft delete (deleted_at) to the Invoice model and filter deleted rows out in every query via a dependency", expect: "handle" },

  // python-pro (20)
  {
    task: "how do I make mypy accept that my Repository class satisfies a typing.Protocol without inheriting from it",
    expect: "python-pro",
  },
  { task: "frozen dataclass vs NamedTuple vs attrs for value objects, which one and why", expect: "python-pro" },
  { task: "compile our hot path module with mypyc, does it work with dataclasses?", expect: "python-pro" },
  { task: "migrate the repo from poetry to uv, keep the lockfile reproducible and the dev dependency groups", expect: "python-pro" },
  {
    task: "asyncio.gather vs TaskGroup: how do exceptions and cancellation propagate? I keep seeing 'Task exception was never retrieved'",
    expect: "python-pro",
  },
  { task: "why does my function remember items from the previous call when the argument defaults to an empty list", expect: "python-pro" },
  {
    task: "our report job loops over 5M rows in pure pyton and takes 40 min, can we vectorise it or push it into Cython?",
    expect: "python-pro",
  },
  { task: "write a class decorator that registers plugins by name, without metaclasses if possible", expect: "python-pro" },
  { task: "explain is vs == and why small ints behave weird", expect: "python-pro" },
  { task: "set up a src layout package with console script entry points so `mytool` installs via pipx", expect: "python-pro" },
  { task: "how do I type a function that returns the same type as its argument? TypeVar or @overload?", expect: "python-pro" },
  { task: "deep copy vs shallow copy of nested dicts, our config objects keep getting mutated", expect: "python-pro" },
  {
    task: "ProcessPoolExecutor for a CPU-heavy image hash throws pickling errors with lambdas, how to structure it",
    expect: "python-pro",
  },
  { task: "python 3.13 free threading build: will our C extension still work without the GIL?", expect: "python-pro" },
  { task: "how do I find which objects leak memory in a long-running celery worker", expect: "python-pro" },
  { task: "idiomatic way to implement __eq__ and __hash__ for an object used as a dict key", expect: "python-pro" },
  {
    task:
      "We publish an internal SDK to our private package index. Builds work locally but CI produces wheels without " +
      "the package data (some .json schemas). We use hatchling. How do I include the data files and smoke-test the " +
      "built wheel before upload?",
    expect: "python-pro",
  },
  { task: "functools.singledispatch vs a dict of handler functions, which is more pythonic", expect: "python-pro" },
  { task: "write an async generator that batches items from a queue every 100ms or every 50 items", expect: "python-pro" },
  { task: "Enum with extra attributes per member (label, color) that still type checks", expect: "python-pro" },

  // database-architect (20)
  {
    task: "we're adding semantic search: embeddings in pgvector, ivfflat or hnsw index and how to tune lists/ef",
    expect: "database-architect",
  },
  { task: "convert the metrics table to a TimescaleDB hypertable with compression and retention policies", expect: "database-architect" },
  { task: "we're outgrowing a single postgress box, evaluate Citus for distributing the tenants data", expect: "database-architect" },
  { task: "set up a streaming read replica for the reporting queries and decide which reads can tolerate lag", expect: "database-architect" },
  {
    task: "EXPLAIN ANALYZE shows a Bitmap Heap Scan with 2M rows removed by filter, what index would actually help?",
    expect: "database-architect",
  },
  {
    task: "many-to-many between products and tags with attributes on the link, and it has to scale to 100M rows",
    expect: "database-architect",
  },
  { task: "design tables for an audit trail that records every change to any entity: who, when, and the diff", expect: "database-architect" },
  { task: "latest order per customer, efficiently: DISTINCT ON vs ROW_NUMBER() vs a lateral join?", expect: "database-architect" },
  // Pagination, but the work is the query and the index on a huge table.
  { task: "offset pagination on a 50M row table gets slow at high pages, keyset instead? which index?", expect: "database-architect" },
  // Beyond one model: 40 tables and zero downtime.
  { task: "we store money as float in postgres lol, plan the move to numeric across 40 tables with no downtime", expect: "database-architect" },
  { task: "UUIDv7 or bigint identity for primary keys across all our services?", expect: "database-architect" },
  { task: "concurrent updates to the inventory rows deadlock, should we use SELECT ... FOR UPDATE SKIP LOCKED", expect: "database-architect" },
  {
    task:
      "Our SaaS has about 3k customers in one Postgres DB with tenant_id on every table. Two big customers are now " +
      "60% of the rows and their queries slow everyone down. Move them to separate databases, partition by tenant, " +
      "something else? We use FastAPI + SQLAlchemy but the question is the data layout.",
    expect: "database-architect",
  },
  { task: "sql for running totals of revenue per month per product", expect: "database-architect" },
  { task: "soft deletes everywhere vs history tables: tradeoffs for a schema with lots of FKs", expect: "database-architect" },
  { task: "autovacuum can't keep up on the events table, bloat is at 300%", expect: "database-architect" },
  { task: "design the schema for a chat app: conversations, participants, messages, read receipts", expect: "database-architect" },
  {
    task: "full text search across title and body with ranking: tsvector + GIN in postgres, or should we go elasticsearch",
    expect: "database-architect",
  },
  { task: "org chart query: all reports under a manager at any depth", expect: "database-architect" },
  { task: "is MySQL or Postgres the better fit for our workload, lots of JSON documents and geo queries", expect: "database-architect" },

  // frontend-developer (20)
  {
    task: "generate react query hooks from our openapi spec with orval and use them in the Next.js app router",
    expect: "frontend-developer",
  },
  {
    task: "openapi-typescript gives me components[\"schemas\"][\"User\"] everywhere, how do I get nicer type aliases in the fronted",
    expect: "frontend-developer",
  },
  // Names a token endpoint, but the work is the Android client.
  { task: "Kotlin app: Retrofit call to /auth/token, store the token and attach it to every request", expect: "frontend-developer" },
  {
    task: "flutter: parse the paginated response {items, next_cursor} into a model class and load more on scroll",
    expect: "frontend-developer",
  },
  { task: "SwiftUI list that pulls /feed, refreshes on pull-down and shows the login screen on a 401", expect: "frontend-developer" },
  {
    task: "the web app shows a blank page when the api returns 422, surface the `detail` array to users in the form",
    expect: "frontend-developer",
  },
  { task: "upload progress for big video files from the browser to our presigned-url endpoint", expect: "frontend-developer" },
  { task: "our TS types drift from the backend every sprint, auto-generate them in CI from /openapi.json", expect: "frontend-developer" },
  // A Python client, but generating an SDK from the OpenAPI schema is the frontend row.
  {
    task: "build a typed python client package for other teams to call our service, generated from the openapi spec",
    expect: "frontend-developer",
  },
  { task: "useEffect fetch runs twice in dev and double-posts the order", expect: "frontend-developer" },
  { task: "optimistic update when toggling a todo in the UI, roll back if the PATCH fails", expect: "frontend-developer" },
  // Names websockets (in-house), but the work is the client side.
  { task: "websocket client in the web app that reconnects with backoff when the server restarts", expect: "frontend-developer" },
  { task: "Nuxt 3 server-side fetch of our API with the user's cookies forwarded", expect: "frontend-developer" },
  {
    task:
      "The mobile team (React Native) keeps hand-writing fetch calls to our FastAPI backend and they break whenever " +
      "we rename a field. Can we give them a generated, typed client and some hooks so screens just call useOrders()?",
    expect: "frontend-developer",
  },
  { task: "show server validation errors inline in the signup form (react-hook-form + zod)", expect: "frontend-developer" },
  {
    task: "add a 'load more' button to the orders table in the admin panel, the backend already returns next_cursor",
    expect: "frontend-developer",
  },
  {
    task: "call our endpoints from a chrome extension, CORS is already fine, I need the fetch logic and token refresh",
    expect: "frontend-developer",
  },
  { task: "angular http interceptor that adds the bearer token and redirects to /login on 401", expect: "frontend-developer" },
  { task: "set up MSW mocks of our API so the frontend can be developed without the backend running", expect: "frontend-developer" },
  { task: "SWR or React Query for caching GET /products in our SPA?", expect: "frontend-developer" },

  // security-auditor (20)
  { task: "log in with Microsoft work accounts (Entra) and map their groups to our roles", expect: "security-auditor" },
  // Names JWKS and FastAPI permissions, but the tokens come from an external IdP.
  {
    task: "Keycloak realm roles -> FastAPI permissions: verify the token signature against the realm's keys and check roles",
    expect: "security-auditor",
  },
  { task: "Auth0 with a SPA and our API: which flow, where do the tokens live, how does the API validate them", expect: "security-auditor" },
  { task: "cognito hosted UI login ends in a redirect loop, callback url mismatch?", expect: "security-auditor" },
  { task: "SAML SSO for an enterprise customer that uses ADFS", expect: "security-auditor" },
  // Names in-app JWT, but the ask is a review.
  {
    task: "is our JWT setup secure? HS256 with the secret in an env var, 30 day expiry, no revocation. please review",
    expect: "security-auditor",
  },
  {
    task: "someone found they can read other users' invoices by changing the id in the URL (IDOR), assess how bad it is and what else is exposed",
    expect: "security-auditor",
  },
  { task: "threat-model the new file upload feature before launch", expect: "security-auditor" },
  { task: "bug bounty report: open redirect on /login?next=, triage it", expect: "security-auditor" },
  { task: "okta service accounts call our API with client credentials, how should we validate scopes", expect: "security-auditor" },
  { task: "pip-audit flags a CVE in starlette, assess our exposure and plan the patch", expect: "security-auditor" },
  { task: "token exchange (RFC 8693) so our gateway can call downstream services on behalf of the user", expect: "security-auditor" },
  {
    task:
      "We're a B2B SaaS about to sign a bank. Their security team wants a pentest report and evidence that we meet " +
      "OWASP ASVS level 2. We have a FastAPI backend, a React frontend and Postgres. Where do we start and what " +
      "should the scope be?",
    expect: "security-auditor",
  },
  // Names iOS, but the work is trusting an external identity in the backend.
  { task: "sign in with apple on iOS, and then our backend has to trust that identity", expect: "security-auditor" },
  { task: "PKCE for the mobile app, do we still need a client secret?", expect: "security-auditor" },
  { task: "check the app for sql injection, we build some filters with f-strings inside text()", expect: "security-auditor" },
  { task: "secrets were committed to the repo history, rotate them and set up detection so it doesn't happen again", expect: "security-auditor" },
  { task: "add google + github oauth login buttons and link accounts that share the same email", expect: "security-auditor" },
  {
    task: "is our cookie session config safe? SameSite, HttpOnly, CSRF tokens for the form posts, authentification in general",
    expect: "security-auditor",
  },
  {
    task: "federated login for partner orgs: each partner brings its own IdP (Azure AD, Google Workspace, Okta)",
    expect: "security-auditor",
  },
];
