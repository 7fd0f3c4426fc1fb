import type { SyntaxNode as Node } from "../python/flat-tree.js";
import { type ClassInfo, factsOfScopes, type FunctionInfo, type ModuleInfo, type ParamInfo, type Scope, type ScopeFacts, scopesMatching } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { ANNOTATED } from "../python/names.js";
import { argument, callArguments, genericParts, isSampleDataPath, stringLiteral, unparen, unwrapType } from "../python/syntax.js";
import type { Rule, RuleHit } from "./types.js";
import { assignedLiterals, credentialLiteral, emulatorCredential, envRead, isPlaceholderMarker, isSecretName, namesAField, namesItself, normalizeName } from "./fapi003-secrets.js";

const JWT_CALLS = new Set([
  "jwt.encode",
  "jwt.decode",
  "jwt.api_jwt.encode",
  "jwt.api_jwt.decode",
  "jose.jwt.encode",
  "jose.jwt.decode",
]);

/** Loose superset of the secret-name pattern (camelCase included) plus `encode`/`decode`, for pre-checks. */
const SECRETISH_TEXT = /pas+wo?r?d|passphrase|pwd|secret|api_?key|private|access|token|encode|decode/i;
/**
 * The same words, to find the scopes that hold them: every assignment, call and comparison (1) and (2) report has
 * its secret-like name, env key or JWT method in its own scope's code, so the other scopes are not read.
 */
const SECRETISH_ALL = new RegExp(SECRETISH_TEXT.source, "gi");

const EQUALITY = /[=!]=/;
const QUOTE = /["']/;

const HEADER_PARAM = new Set(["fastapi.Header", "fastapi.params.Header"]);
const AUTH_HEADER = /authorization|api-key|api_key|apikey|token/i;
const REQUEST_TYPES = /^(fastapi|starlette)(\..+)?\.(Request|HTTPConnection)$/;

export const fapi003: Rule = {
  code: "FAPI003",
  name: "hardcoded-auth",
  antiPattern: "Hardcoded Auth",
  source: "anti-pattern",
  severity: "error",
  message: "Hardcoded credential or hand-rolled auth check: authenticate through a Security dependency",
  fix: "`Security` deps: read credentials with a security scheme (`OAuth2PasswordBearer`, `APIKeyHeader`, `HTTPBearer`) inside a dependency and require it with `Security(...)`/`Depends(...)`; load secrets from the environment (pydantic-settings, no literal default) and compare them with `secrets.compare_digest`.",
  docs: {
    what:
      "Flags (1) a non-empty string or bytes literal given to a secret-named target: a variable, attribute, class field (pydantic `Settings` defaults included), keyword argument or parameter default named like `password`, `secret_key`, `api_key`, `client_secret`, `access_token`, `x_token` (case-insensitive, camelCase split), directly or as `SecretStr(...)`, a `Field(default=...)`/`Query(...)`/`Header(...)` default, the fallback of `os.getenv`/`os.environ.get` or of a Starlette/decouple `config(...)` read, or a branch of `or`/`... if ... else ...`; and a literal secret key passed to `jwt.encode`/`jwt.decode` (reported on the literal); " +
      "(2) an `==`/`!=` comparison between such a name and a non-empty string literal (reported on the comparison), except with the very literal (1) reports as assigned to that name somewhere in the project (`if settings.SEED_DEMO_PASSWORD == \"demo-1\": refuse`, a guard against the shipped default, which is already the finding); " +
      "(3) in a route handler's own scope, a read of `request.headers[...]`/`request.headers.get(...)` for an `Authorization`, API-key or token header, or a `Header()` parameter for one (reported on that line); dependencies do not fire here, which is where this belongs. " +
      "Never fires on names ending `_url _uri _endpoint _prefix _algorithm _type _header _name _field _path _expire _expires _minutes` (so `token_type`, `API_KEY_NAME`, `tokenUrl`), on `bearer`/`basic` and JWT algorithm names (`none` included), on empty strings, on f-strings with placeholders, or on values read from the environment without a literal fallback, and never on dict keys (`{\"password\": ...}` is data, not an assignment). " +
      "Decisions: test code (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`) skips (1) only, as RULES.md says; comparisons inside `assert` statements never fire anywhere (an assertion checks a result, it does not grant access); members of an `Enum` class are labels, not secrets; an environment read whose variable name is secret-like (`os.getenv(\"JWT_SECRET\", \"dev\")`) fires on its fallback whatever it is assigned to; a `Header()` parameter fires when its name matches the pattern or the header it reads (its alias, or its name with `-` for `_`) is an Authorization, API-key or token header; placeholder values such as `\"changethis\"` are findings, because they ship; names that describe a secret rather than hold it are also skipped (suffixes `_hint _method _comment _description _help _label _message _msg _error _regex _pattern _template _line _file _filename _dir _cookie _param _scheme _id _env _env_key _env_var _env_name _var _var_name`: `token_type_hint`, `TOKEN_COMMENT`, `AWS_ACCESS_KEY_ID`, `SECRET_ENV_KEY`; also `_audience _aud _samesite _provider _backend _lifetime _ttl _length _len _size _max_age _age _seconds _hours _days _expiry _expiration _mode _kind _version _domain _issuer _location _secure _httponly _scope _scopes _fmt _format _cache_key _lock_key _redis_key _cookie_key _metadata_key _refresh_key _storage_key _store_key _state_key _field_key _dict_key _config_key _settings_key _placeholder _check _model _driver _adapter _engine`, and `token_key`, the key a token is stored under: `RESET_PASSWORD_TOKEN_AUDIENCE`, `SECRET_PROVIDER`, `COOKIE_REFRESH_TOKEN_KEY`, `GOOGLE_MODEL_FOR_API_KEY_CHECK`), names with `csrf_token` (CSRF tokens are minted per session, a literal there is a field or cookie name), lower-case values that spell the name's last word (`PK_TOKEN = \"token\"`, a column name, and `TOKEN = \"token\"` alone; password names excepted, and `JWT_SECRET = \"SECRET\"` fires) or a word after its credential word (`TOKEN_TYPE_FILED = \"type\"`, not in password names), redaction masks (`\"******\"`), key patterns with `{name}` or `%s` placeholders (`\"user:{user_id}:token_version\"`; template-engine `{{ ... }}` values do fire, the rendered project holds a literal), and comparisons of an attribute with an upper-case marker word (`user.password == \"LDAP\"`, a sentinel the app stores itself). (1) also skips sample-data and documentation files: under `docs/`, `doc/`, `documentation/`, `doctests/`, `fixtures/`, `factories/`, `faker/`, `fakers/`, `seeds/`, `seed/`, `seeders/`, test-support packages (`testing/`, `testutils/`, `test_utils/`, `test_helpers/`, `testing_support/`), `migrations/` or Alembic `versions/`, and `seed*.py`, `*_seed(s).py`, `*_seeder.py`, `fixtures.py`, `factories.py`, `fakers.py`. Also skipped: names for a credential's absence (`MISSING_ACCESS_TOKEN`, `INVALID_API_KEY`, any name starting `missing_ no_ null_ none_ invalid_ expired_ revoked_`) and for a value that only plays one (names starting `dummy_ simulated_ mock_`: `_dummy_password`, hashed so that a login for an unknown user takes as long as any other); boolean flags, file names and rate limits as values (`os.getenv(\"PASSWORD_REQUIRE_UPPERCASE\", \"false\")`, `\"ca.crt\"`, `AUTH_PASSWORD_RESET = \"3/minute\"`); assigned values made of lower-case words naming a credential field (`_PASSWORD_KEY = \"imap_password\"`, `\"aws_secret_access_key\"`, `token_key = \"fastapi_tokens\"`) or spelling words of the name (`_AUTH_ERROR_INVALID_API_KEY = \"invalid api key\"`), unless a placeholder word (`your my here change dummy example test fake default super ...`) marks them as a shipped placeholder, and never in a comparison; values that name a secret rather than being one: environment variable names (`\"SHOP_API_SECRET\"`), OAuth labels made only of words such as access/refresh/token/client/secret/post (`\"refresh_token\"`, `\"client_secret_basic\"`), and sentence-case prose (`\"No token found\"`); tokenizer vocabulary and agent stop words (`eos_token`, `DEFAULT_PAD_TOKEN`, `image_token`, `termination_token` names, and markup values `\"</s>\"`, `\"<|endoftext|>\"`, `\"[PAD]\"`); and stand-ins for a key an SDK insists on: values with no letter or digit (`api_key or \"-\"`), one-character values, `\"no-auth\"`/`\"no-key\"`, shortened displays (`\"hf_...\"`) and substitution markers (`\"!UNDERSCORE!\"`, `\"%PASSWORD%\"`) and `\"EMPTY\"`. Also skipped: names for how a secret is hashed, handled, sourced or reported (suffixes `_iterations _rounds _salt _js _css _html _sql _xpath _selector _attribute _rule _filter _handling _status _sentinel _words _redacted _source _expression _arn _last_used _last_rotated _created_at _updated_at _rotated_at _used_at _issued_at _date _time _timestamp _level _created _updated _deleted _changed _event _subtype _class _module _impl`), pagination and version tokens (`next_token`, `continuation_token`, `update_token`), token counts (`max_token`) and Cognito's `token_use`; values that are sentences of three or more words with no placeholder word, regular expressions, upper-case identifiers without a placeholder word (`\"SKYVERN_BITWARDEN_CLIENT_ID\"`), camelCase spellings of the name (`WaitForTaskToken = \"waitForTaskToken\"`), the keys local LLM servers document (`\"lm-studio\"`, `\"ollama\"`, `\"sk-no-key-required\"`), `\"not-set\"`, `\"missing\"`, `\"unknown\"`, `\"N/A\"`, colon-, dot- or slash-separated names of three or more lower-case parts without a placeholder word (`\"auth:token:index\"`, `\"middleware.auth.token\"`, a secret store's `\"acme/mailer/token\"`), SQL statements, also after a leading `--` or `/* */` comment (sqlc's `\"-- name: create_password_reset_request :one\"`), GitHub's `\"x-oauth-basic\"`, the test secrets Cloudflare Turnstile and Google reCAPTCHA publish (`\"1x0000000000000000000000000000000AA\"`), keys their vendors make public (a PostHog project key `\"phc_...\"`, a Stripe publishable key `\"pk_live_...\"`; `phx_` and `sk_` keys fire), the credentials LocalStack and moto document for their AWS emulators (`\"test\"`, `\"testing\"` under a name with `aws` in it; MinIO's `\"minioadmin\"` still fires), `__dunder__` markers and DeepSeek's full-width tokenizer markup; and comparisons with a placeholder (`!= \"PLACEHOLDER\"`, `== \"your-api-key\"`, or a value that says to replace it: `== \"change-me-in-production\"`, `\"...-do-not-use-in-production\"`; they ask whether a key was configured) or of one value with three or more different literals in one scope (a lexer's `token == \"AND\"`/`\"OR\"`/`\"NOT\"`; one-character literals and the members of a literal tuple it is tested against, `token in (\"def\", \"class\")`, count too, placeholders do not). Subscript targets (`os.environ[\"API_KEY\"] = \"x\"`) and membership tests (`token in VALID_TOKENS`) are not checked. " +
      "Also skipped: names for text about a token, its counts and encoding, its claims, where it is put and how it is picked (suffixes `_instructions _prompt _tooltip _tip _notice _warning _limit _limits _threshold _quota _budget _count _counts _counting _counter _encoding _encoder _tokenizer _estimator _strategy _subject _claim _claims _purpose _aal _acr _amr _placement _position _transport _delivery _resolution _policy _behavior _behaviour _redaction _issue _issues _problem _state _topic _topics _queue _channel _marker _storage`: `SECRET_MARKER`, a value planted to be searched for; `jwt_secret_storage = \"local\"`), and labels for a kind of credential (`REQUEST_TYPE_ACCESS_TOKEN`, `GRANT_TYPE_REFRESH_TOKEN`, `HEADER_API_KEY`); " +
      "values that are masks with a few visible characters (`\"sk-***\"`), more stand-ins (`\"not-provided\"`, `\"api-key-not-set\"`, `\"no-key-required\"`, `\"cant-be-empty\"`, `\"does-not-matter\"`, `\"llama.cpp\"`, `\"vllm\"`, `\"unused\"`), the header name `\"Authorization\"`, URLs without user info or query, redaction markers, bracketed (`\"[redacted]\"`) or the bare words `\"REDACTED\"` and `\"MASKED\"`, command-line flags (`\"-c\"`), the words that leave an interactive prompt (`input_password == \"exit\"`, `\"quit\"`, `\"cancel\"`, `\"abort\"`) and private field keys (`\"__slash_skill_secret_source\"`); " +
      "in test code, a model class's column compared inside a call's arguments (`select(T).where(T.refresh_token == \"x\")`: a SQL filter for the row the test stored); and documentation examples under `doctests/`. A line Bandit's `# nosec` (bare, or `B105`/`B106`/`B107`), ruff's `# noqa: S105` (`S106`, `S107`) or detect-secrets' `# pragma: allowlist secret` marks is suppressed like `# noqa: FAPI003`.",
    why:
      "A secret in source code is in every clone, fork, log of the repository and image layer, and cannot be rotated without a deploy. Comparing a request value with a literal hard-wires one shared credential, with a timing side channel. Reading auth headers by hand in each handler scatters the check, is easy to forget on a new route, and leaves the scheme out of OpenAPI, so /docs has no Authorize button.",
    example:
      'SECRET_KEY = "changethis"\n\n@app.get("/items/")\nasync def read_items(x_token: str = Header()):\n    if x_token != "fake-super-secret-token":\n        raise HTTPException(status_code=401)\n    return items',
    instead:
      'class Settings(BaseSettings):\n    secret_key: SecretStr\n    api_token: SecretStr\n\napi_key_header = APIKeyHeader(name="X-Token")\n\ndef verify_token(token: str = Security(api_key_header), settings: Settings = Depends(get_settings)) -> None:\n    if not secrets.compare_digest(token, settings.api_token.get_secret_value()):\n        raise HTTPException(status_code=401)\n\n@app.get("/items/", dependencies=[Security(verify_token)])\nasync def read_items():\n    return items',
  },
  check({ index }) {
    const hits: RuleHit[] = [];
    const seen = new Set<number>();
    const add = (mod: ModuleInfo, node: Node, message: string) => {
      if (seen.has(node.id)) return;
      seen.add(node.id);
      hits.push({ module: mod, node, message });
    };
    // (1) first, in every module: (2) skips a comparison with a default (1) reports where it is assigned.
    const defaults: Defaults = new Set();
    const withFacts: [ModuleInfo, ScopeFacts][] = [];
    for (const mod of index.modules) {
      // (1) and (2) need a secret-like name (or a JWT call) in the module's text: most modules have none. One pass
      // over the text finds both whether there is one and the scopes that hold them.
      const scopes = scopesMatching(mod, SECRETISH_ALL);
      if (scopes.length === 0) continue;
      const facts = factsOfScopes(scopes);
      if (!mod.isTest && !isSampleDataPath(mod.file.path)) hardcodedSecrets(index, mod, facts, add, defaults);
      withFacts.push([mod, facts]);
    }
    for (const [mod, facts] of withFacts) literalComparisons(mod, facts, add, defaults);
    // A `Header()` parameter and a `request.headers` read both need the word in the module's text: look once per module.
    const mentionsHeaders = new Map<ModuleInfo, boolean>();
    for (const route of index.routes()) {
      if (route.kind !== "http") continue;
      const mod = route.fn.module;
      let mentions = mentionsHeaders.get(mod);
      if (mentions === undefined) mentionsHeaders.set(mod, (mentions = mod.file.content.includes("eader")));
      if (mentions) manualHeaders(index, route.fn, add);
    }
    return hits;
  },
};

type Add = (mod: ModuleInfo, node: Node, message: string) => void;

/** Secret names with the literal (1) reported as assigned to them: `defaultKey(name, value)`. */
type Defaults = Set<string>;
const defaultKey = (name: string, value: string) => `${normalizeName(name)}\0${value}`;

const secretMessage = (name: string) =>
  `Hardcoded secret assigned to \`${name}\`: load it from the environment (pydantic-settings, no literal default)`;

/** A literal that names rather than holds the secret it is given to, or stands in for a local emulator's. */
const spared = (name: string, lit: Node) => namesItself(name, lit) || namesAField(lit) || emulatorCredential(name, lit);

/** (1) Literals given to secret-named variables, fields, keywords and parameters, and literal JWT keys. */
function hardcodedSecrets(index: ProjectIndex, mod: ModuleInfo, facts: ScopeFacts, add: Add, defaults: Defaults): void {
  const assigned = (name: string, lit: Node) => {
    add(mod, lit, secretMessage(name));
    defaults.add(defaultKey(name, stringLiteral(lit)?.value ?? ""));
  };
  for (const fact of facts.assignments) {
    if (fact.scope.kind === "class" && fact.scope.cls && isEnumClass(index, fact.scope.cls)) continue;
    for (const [target, value] of pairs(fact.node.childForFieldName("left"), fact.node.childForFieldName("right"))) {
      const name = targetName(target);
      if (!name || !isSecretName(name)) continue;
      for (const lit of assignedLiterals(index, mod, value)) if (!spared(name, lit)) assigned(name, lit);
    }
  }
  for (const fn of mod.functions) {
    for (const p of fn.params) {
      if (!p.default || !isSecretName(p.name)) continue;
      for (const lit of assignedLiterals(index, mod, p.default)) if (!spared(p.name, lit)) add(mod, lit, `Hardcoded secret as the default of parameter \`${p.name}\`: require it, or inject it from settings`);
    }
  }
  for (const fact of facts.calls) {
    const call = fact.node;
    // Every case below needs a secret-like word or a JWT method in the call's text; checking the text first
    // spares reading the arguments of the many calls that have none.
    if (!SECRETISH_TEXT.test(call.text)) continue;
    const args = call.childForFieldName("arguments");
    if (args?.type === "argument_list") {
      for (const kw of args.namedChildren) {
        if (kw?.type !== "keyword_argument") continue;
        const name = kw.childForFieldName("name")?.text;
        if (!name || !isSecretName(name)) continue;
        for (const lit of assignedLiterals(index, mod, kw.childForFieldName("value"))) if (!spared(name, lit)) add(mod, lit, secretMessage(name));
      }
    }
    const callee = call.childForFieldName("function");
    const method = callee?.type === "attribute" ? callee.childForFieldName("attribute")?.text : callee?.text;
    const q = method === "encode" || method === "decode" ? index.qualify(mod, callee) : null;
    if (q && JWT_CALLS.has(q)) {
      const lit = credentialLiteral(argument(callArguments(call), 1, "key"));
      if (lit) add(mod, lit, `Hardcoded JWT signing key in \`${q}\`: load it from settings`);
    }
    const env = envRead(index, mod, call);
    if (env?.key && isSecretName(env.key)) {
      for (const lit of assignedLiterals(index, mod, env.fallback)) {
        if (emulatorCredential(env.key, lit)) continue;
        add(mod, lit, `Hardcoded fallback for secret \`${env.key}\`: fail when it is not set instead`);
        defaults.add(defaultKey(env.key, stringLiteral(lit)?.value ?? ""));
      }
    }
  }
}

/** Target/value pairs of an assignment, unpacking `a, b = "x", "y"`; `a = b = "x"` gives `a` the chain's value. */
function pairs(left: Node | null, right: Node | null): [Node, Node | null][] {
  if (!left) return [];
  const value = right && unparen(right).type === "assignment" ? chainValue(unparen(right)) : right;
  const l = unparen(left);
  const isSeq = (n: Node | null) => !!n && ["pattern_list", "tuple_pattern", "list_pattern", "expression_list", "tuple", "list"].includes(n.type);
  if (!isSeq(l)) return [[l, value]];
  const targets = l.namedChildren.filter((c): c is Node => !!c);
  const v = value ? unparen(value) : null;
  const values = v && isSeq(v) ? v.namedChildren.filter((c): c is Node => !!c) : null;
  if (!values || values.length !== targets.length) return [];
  return targets.flatMap((t, i) => pairs(t, values[i] ?? null));
}

function chainValue(assign: Node): Node | null {
  let v: Node | null = assign;
  while (v?.type === "assignment") v = v.childForFieldName("right");
  return v;
}

/** `x`, `self.x`, `settings.x`: the name a value is stored under. Subscripts (`d["k"] = v`) are data. */
function targetName(target: Node): string | null {
  const n = unparen(target);
  if (n.type === "identifier") return n.text;
  if (n.type === "attribute") return n.childForFieldName("attribute")?.text ?? null;
  return null;
}

function isEnumClass(index: ProjectIndex, cls: ClassInfo): boolean {
  return cls.bases.some((b) => {
    const q = index.qualify(cls.module, b) ?? b.text;
    return q.startsWith("enum.") || /(Enum|Flag)$/.test(q);
  });
}

/**
 * (2) `x_token != "fake-super-secret-token"`, `credentials.password == "swordfish"`. Not a comparison of a setting
 * with the very default (1) reports where the project assigns it (`if settings.SEED_PASSWORD == "demo-1": refuse`):
 * that guards against the shipped default, and the default is already a finding.
 */
function literalComparisons(mod: ModuleInfo, facts: ScopeFacts, add: Add, defaults: Defaults): void {
  const found: { cmp: Node; name: string; scope: Scope; subject: string; value: string }[] = [];
  for (const fact of facts.comparisons) {
    const cmp = fact.node;
    const text = cmp.text;
    // Needs an equality operator, a string literal and a secret-like name: most comparisons have none.
    if (!EQUALITY.test(text) || !QUOTE.test(text) || !SECRETISH_TEXT.test(text)) continue;
    const children = cmp.children.filter((c): c is Node => !!c);
    for (let i = 1; i + 1 < children.length; i++) {
      const op = children[i]!;
      if (op.isNamed || (op.type !== "==" && op.type !== "!=")) continue;
      const a = children[i - 1]!;
      const b = children[i + 1]!;
      const [lit, other] = credentialLiteral(a) ? [a, b] : credentialLiteral(b) ? [b, a] : [null, null];
      if (!lit || !other) continue;
      const name = targetName(other);
      const value = stringLiteral(lit)?.value ?? "";
      if (!name || !isSecretName(name) || insideAssert(cmp) || isStoredMarker(other, lit) || isPlaceholderMarker(value)) continue;
      if (mod.isTest && isColumnFilter(cmp, other)) continue;
      if (defaults.has(defaultKey(name, value))) continue;
      found.push({ cmp, name, scope: fact.scope, subject: unparen(other).text, value });
      break;
    }
  }
  if (found.length === 0) return;
  // A value compared with three or more different literals in one scope is being classified, not authenticated:
  // a lexer's `if token == "AND": ... elif token == "OR": ... elif token == "NOT":`. Every literal counts, also one no
  // credential could be (`token == "@"`) and the members of a literal collection it is tested against
  // (`token in ("def", "class")`), but not a placeholder.
  const values = new Map<Scope, Map<string, Set<string>>>();
  for (const f of found) {
    let bySubject = values.get(f.scope);
    if (!bySubject) values.set(f.scope, (bySubject = new Map()));
    bySubject.set(f.subject, new Set([f.value]));
  }
  for (const fact of facts.comparisons) {
    const bySubject = values.get(fact.scope);
    if (!bySubject) continue;
    // Placeholders do not count: comparing a key with several of them asks whether it was configured.
    for (const [subject, value] of comparedLiterals(fact.node)) if (!isPlaceholderMarker(value)) bySubject.get(subject)?.add(value);
  }
  for (const f of found) {
    if ((values.get(f.scope)?.get(f.subject)?.size ?? 0) >= 3) continue;
    add(mod, f.cmp, `\`${f.name}\` is checked against a hardcoded value: verify credentials in a Security dependency against configured secrets`);
  }
}

/** The string literals a comparison tests a subject against (`==`, `!=`, or membership in a literal tuple, list or set), by subject text. */
function comparedLiterals(cmp: Node): [string, string][] {
  const out: [string, string][] = [];
  const children = cmp.children.filter((c): c is Node => !!c);
  for (let i = 1; i + 1 < children.length; i++) {
    const op = children[i]!;
    if (op.isNamed) continue;
    const a = unparen(children[i - 1]!);
    const b = unparen(children[i + 1]!);
    if (op.type === "==" || op.type === "!=") {
      const [lit, other] = b.type === "string" ? [b, a] : a.type === "string" ? [a, b] : [null, null];
      const value = lit ? stringLiteral(lit)?.value : undefined;
      if (other && value !== undefined) out.push([other.text, value]);
    } else if (op.type === "in" || op.type === "not in") {
      if (b.type !== "tuple" && b.type !== "list" && b.type !== "set") continue;
      for (const member of b.namedChildren) {
        const value = member?.type === "string" ? stringLiteral(member)?.value : undefined;
        if (value !== undefined) out.push([a.text, value]);
      }
    }
  }
  return out;
}

/**
 * `user.password == "LDAP"`: a stored field compared with an upper-case marker word is a sentinel the app writes
 * itself (an account managed elsewhere), not a credential. A plain name (`x_token != "SECRET"`) still fires.
 */
function isStoredMarker(other: Node, lit: Node): boolean {
  const value = stringLiteral(lit)?.value ?? "";
  return unparen(other).type === "attribute" && /^[A-Z]{2,12}$/.test(value);
}

/**
 * `select(RefreshToken).where(RefreshToken.refresh_token == "blaxx")`: a column of a model class compared inside a
 * call's arguments builds a SQL filter, it is not evaluated as a check. In a test it looks up the row the test
 * stored; in app code a lookup by a literal credential still fires.
 */
function isColumnFilter(cmp: Node, other: Node): boolean {
  const subject = unparen(other);
  if (subject.type !== "attribute") return false;
  const owner = subject.childForFieldName("object");
  if (owner?.type !== "identifier" || !/^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$/.test(owner.text)) return false;
  let p = cmp.parent;
  // Through `and_`-style operators SQLAlchemy overloads: `(Model.token != "old") & Model.used`.
  while (p && (p.type === "parenthesized_expression" || p.type === "boolean_operator" || p.type === "not_operator" || p.type === "binary_operator" || p.type === "unary_operator")) p = p.parent;
  return p?.type === "argument_list";
}

function insideAssert(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === "assert_statement") return true;
    if (p.type === "function_definition" || p.type === "class_definition" || p.type === "module") return false;
  }
  return false;
}

/** (3) Auth headers read by hand in a route handler's own scope. */
function manualHeaders(index: ProjectIndex, fn: FunctionInfo, add: Add): void {
  const mod = fn.module;
  for (const p of fn.params) {
    const header = headerParam(index, fn, p);
    if (!header) continue;
    const headerName = header.alias ?? p.name.replace(/_/g, "-");
    if (isSecretName(p.name) || AUTH_HEADER.test(headerName)) {
      add(mod, p.node, `Route handler reads the \`${headerName}\` header itself: move the check into a Security dependency`);
    }
  }
  if (!mod.file.content.includes("headers")) return;
  const requests = new Set(fn.params.filter((p) => isRequestParam(index, fn, p)).map((p) => p.name));
  if (requests.size === 0) return;
  const body = fn.node.childForFieldName("body");
  const pending: Node[] = body ? [body] : [];
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (n.type === "function_definition" || n.type === "class_definition" || n.type === "lambda") continue;
    const read = headerRead(n, requests);
    if (read && AUTH_HEADER.test(read)) {
      add(mod, n, `Route handler reads the \`${read}\` header itself: move the check into a Security dependency`);
    }
    for (const c of n.namedChildren) if (c) pending.push(c);
  }
}

/** The header name of `request.headers["X"]` or `request.headers.get("X")`, for a request parameter. */
function headerRead(n: Node, requests: Set<string>): string | null {
  let headers: Node | null = null;
  let key: Node | null = null;
  if (n.type === "subscript") {
    if (n.parent?.type === "assignment" && n.parent.childForFieldName("left")?.id === n.id) return null;
    headers = n.childForFieldName("value");
    key = n.childForFieldName("subscript");
  } else if (n.type === "call") {
    const callee = n.childForFieldName("function");
    if (callee?.type !== "attribute" || callee.childForFieldName("attribute")?.text !== "get") return null;
    headers = callee.childForFieldName("object");
    key = callArguments(n).positional[0] ?? null;
  } else return null;
  if (headers?.type !== "attribute" || headers.childForFieldName("attribute")?.text !== "headers") return null;
  const owner = headers.childForFieldName("object");
  if (owner?.type !== "identifier" || !requests.has(owner.text)) return null;
  return stringLiteral(key)?.value ?? null;
}

function isRequestParam(index: ProjectIndex, fn: FunctionInfo, p: ParamInfo): boolean {
  if (!p.annotation) return p.name === "request" || p.name === "req";
  const type = index.unwrapAnnotation(fn.module, p.annotation);
  const q = type.type ? index.qualify(type.module, type.type) : null;
  return q !== null && REQUEST_TYPES.test(q);
}

/** A parameter declared with `Header()`, in its default or in `Annotated[...]`: with the alias it reads. */
function headerParam(index: ProjectIndex, fn: FunctionInfo, p: ParamInfo): { alias: string | null } | null {
  const calls: Node[] = [];
  if (p.default && unparen(p.default).type === "call") calls.push(unparen(p.default));
  const generic = p.annotation ? genericParts(p.annotation) : null;
  if (generic && ANNOTATED.has(index.qualify(fn.module, generic.base) ?? "")) {
    for (const meta of generic.args.slice(1)) if (unwrapType(meta).type === "call") calls.push(unwrapType(meta));
  }
  for (const call of calls) {
    const q = index.qualify(fn.module, call.childForFieldName("function"));
    if (q && HEADER_PARAM.has(q)) {
      return { alias: stringLiteral(callArguments(call).keywords.get("alias") ?? null)?.value ?? null };
    }
  }
  return null;
}
