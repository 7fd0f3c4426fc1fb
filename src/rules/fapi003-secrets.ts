import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ModuleInfo } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { argument, callArguments, stringLiteral, unparen } from "../python/syntax.js";

/** RULES.md FAPI003's secret-name pattern, applied to the snake_case form of a name. */
const SECRET_NAME =
  /(^|_)(pas+wo?r?d|passphrase|pwd|secret|secret_key|api_?key|private_key|access_key|client_secret|jwt_secret|auth_token|access_token|refresh_token|token)($|_)/;

/**
 * Names that hold where or how a secret travels, or something said about it, not the secret itself. RULES.md's
 * list first; then descriptive nouns real code uses the same way (`token_type_hint`, `token_endpoint_auth_method`,
 * `TOKEN_COMMENT`, `WEBHOOK_SECRET_ENV_KEY`, `password_regex`, `AWS_ACCESS_KEY_ID`).
 */
const NOT_SECRET_SUFFIX = new RegExp(
  "_(url|uri|endpoint|prefix|algorithm|type|header|name|field|path|expire|expires|minutes" +
    "|hint|method|comment|description|help|label|message|msg|error|regex|pattern|template|line|file|filename|dir|cookie|param|scheme|id" +
    "|env|env_key|env_var|env_name|var|var_name" +
    // What is said about a token rather than the token: `RESET_PASSWORD_TOKEN_AUDIENCE`, `csrf_token_cookie_samesite`,
    // `SECRET_PROVIDER`, `TOKEN_LIFETIME`, `TOKEN_KEY_FMT`; and keys a token is stored under (`COOKIE_REFRESH_TOKEN_KEY`,
    // `TOKEN_VERSION_CACHE_KEY`), which `token_key` names, unlike `secret_key` or `api_key`.
    "|audience|aud|samesite|provider|backend|lifetime|ttl|length|len|size|max_age|age|seconds|hours|days|expiry|expiration" +
    "|mode|kind|version|domain|issuer|location|secure|httponly|scope|scopes|fmt|format|cache_key|lock_key|redis_key|cookie_key|token_key" +
    // Keys something about a token is stored under (`_token_metadata_key = "tokens"`, `MCP_TOKEN_REFRESH_KEY`).
    "|metadata_key|refresh_key|storage_key|store_key|state_key|field_key|dict_key|config_key|settings_key" +
    // What a secret looks like in docs and snippets (`OAUTH_TOKEN_PLACEHOLDER = "hf_..."`).
    "|placeholder" +
    // A model or a check that concerns a key (`GOOGLE_MODEL_FOR_API_KEY_CHECK = "gemini-2.0-flash-lite"`).
    "|check|model" +
    // How a secret is hashed or handled, and code or markup that deals with one: `API_KEY_HASH_ITERATIONS`,
    // `API_KEY_HASH_SALT` (a salt is public by design), `_PASSWORD_FIELD_JS`, `SECRET_MASK_CSS_RULE`,
    // `raw_secret_handling`, `secret_scan_status`, `_SECRET_WORDS` (a word list), `SECRET_REFUSAL_SENTINEL`.
    "|iterations|rounds|salt|js|css|html|sql|xpath|selector|attribute|rule|filter|handling|status|sentinel|words|redacted|redaction" +
    // Where a key comes from, how it is picked, the ARN naming a secret, when a credential was used or rotated, a
    // log level (`API_KEY_SOURCE = "HEADER"`, `api_key_selection_expression`, `secret_arn`,
    // `access_key_1_last_used = "N/A"`, `TOKEN_ROUTER_LOG_LEVEL`).
    "|source|expression|arn|last_used|last_rotated|created_at|updated_at|rotated_at|used_at|issued_at|date|time|timestamp|level" +
    // Events about a secret and its subtypes (`PROJECT_SECRET_CREATED = "Security.Project.Secret.Created"`).
    "|created|updated|deleted|changed|event|subtype" +
    // The class or module that stores secrets (`secret_store_class = "storage.secrets.FileSecretsStore"`).
    "|class|module|impl" +
    // Text for a model or a user about a token (`_SLACK_BOT_TOKEN_READ_INSTRUCTIONS = """You answer..."""`).
    "|instructions|prompt|tooltip|tip|notice|warning" +
    // How many tokens a plan allows (`PREMIUM_TOKEN_LIMIT = os.getenv(..., "5000000")`, `ANON_TOKEN_WARNING_THRESHOLD`).
    "|limit|limits|threshold|quota|budget|count|counts" +
    // How tokens are counted or encoded (`token_counting: Literal["tiktoken", "char"] = "tiktoken"`).
    "|counting|counter|encoding|encoder|tokenizer|estimator|strategy" +
    // Which backend keeps tokens (`oauth2_token_storage_driver = "database"`).
    "|driver|adapter|engine" +
    // A claim of the token, not the token (`access_token_jwt_subject = "access"`), such as its authentication
    // assurance level, context class or methods (`if token_aal != "aal2"`, Supabase MFA).
    "|subject|claim|claims|purpose|aal|acr|amr" +
    // Where a client puts the token (`token_placement="header"`).
    "|placement|position|transport|delivery" +
    // How the token to use is picked (`user_token_resolution = "authed_user"`, Slack Bolt).
    "|resolution|policy|behavior|behaviour" +
    // A header's name abbreviated, where secrets are kept, which secrets there are (`AUTH_TOKEN_HDR = "X-...-Token"`,
    // `_HDFS_SECRET_DIRECTORY = "/var/secrets/hdfs"`, `secret_names = ", ".join(...) or "secrets"`).
    "|hdr|directory|folder|names" +
    // Where a token was read from (`if token_from == "headers"`, fastapi-jwt-auth).
    "|from" +
    // Why a token was revoked, which words mark secrets in logs (`token_revoked_reason = "replay_detected"`,
    // `log_config_secret_patterns = "password,token,secret"`).
    "|reason|cause|patterns" +
    // What is wrong with a token, and the queue or topic messages about a password go to (`if filters.token_issue ==
    // "expired"`, `KAFKA_PASSWORD_RESET_TOPIC = "password-reset-requests"`).
    "|issue|issues|problem|state|topic|topics|queue|channel" +
    // Keys of messages about a secret (`PASSWORD_TOO_SHORT`, `PASSWORD_MISMATCH`, `API_KEY_REQUIRED`).
    "|too_short|too_long|too_weak|mismatch|incorrect|wrong|required|not_found" +
    // A value planted to be searched for, and where a secret is kept (`SECRET_MARKER = "phase3-secret-must-not-appear"`
    // checks that a secret never leaves the network; `jwt_base_secret_storage = "local"`).
    "|marker|storage)$",
);

/** CSRF tokens are minted per session: a literal under a `csrf_token...` name is a field or cookie name. */
const CSRF_TOKEN = /(^|_)csrf_token($|_)/;

/**
 * A tokenizer's special tokens (`eos_token="</s>"`, `DEFAULT_PAD_TOKEN = "[PAD]"`, `image_token`), the words an
 * agent loop waits for (`termination_token="DONE!"`) and token counts (`MAX_TOKEN = "500"`): "token" in the
 * language-model sense, not a credential.
 */
const VOCAB_TOKEN = /(^|_)(eos|bos|pad|unk|sep|eod|eot|cls|mask|sos|start|end|stop|special|sp|image|img|audio|video|termination|max|min|num|total|context|prompt|completion|output|input)_tokens?($|_)/;

/**
 * Pagination and concurrency tokens (`next_token = "100"`, `continuation_token`, `update_token`): a position in a
 * listing or a version stamp an API hands back, not a credential; and Cognito's `token_use` claim (`"access"`).
 */
const CURSOR_TOKEN = /(^|_)(next|prev|previous|page|pagination|continuation|resume|sync|update|idempotency|client_request|change)_tokens?($|_)|(^|_)token_use$/;

/**
 * `bearer`, `basic` and JWT algorithm names (`none` included) are schemes and algorithms, not secrets; `Authorization`
 * is the header a token travels in (`token_header_key = "Authorization"`).
 */
const NOT_SECRET_VALUE = /^(bearer|basic|none|authorization|(HS|RS|ES|PS)(256|384|512)|ES256K|EdDSA)$/i;

/** Words of OAuth vocabulary: a value made only of them (`access_token`, `client_secret_post`) is a label. */
const LABEL_WORDS = new Set(["access", "refresh", "id", "token", "client", "secret", "post", "basic", "jwt", "api", "key", "password", "private", "auth", "bearer", "grant", "type"]);

/** `apiKey` -> `api_key`, `X-API-Key` -> `x_api_key`, `SECRET_KEY` -> `secret_key`. */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[-\s.]+/g, "_")
    .toLowerCase();
}

/** Whether a variable, field, parameter or keyword name says it holds a secret (RULES.md FAPI003). */
export function isSecretName(name: string): boolean {
  const n = normalizeName(name);
  return SECRET_NAME.test(n) && !NOT_SECRET_SUFFIX.test(n) && !CSRF_TOKEN.test(n) && !VOCAB_TOKEN.test(n) && !CURSOR_TOKEN.test(n) && !ABSENT_MARKER.test(n) && !KIND_OF.test(n);
}

/**
 * A name for a credential's absence or failure (`MISSING_ACCESS_TOKEN`, `INVALID_API_KEY`), for the placeholder
 * that stands for an unset one (`PLACEHOLDER_SECRET_KEY`), or for a value that only plays one
 * (`_dummy_password`, hashed at start-up so that a login for an unknown user takes as long as any other;
 * `simulated_api_key` in a demo): it holds a marker.
 */
const ABSENT_MARKER = /^_?(missing|no|null|none|invalid|expired|revoked|placeholder|dummy|simulated|mock)_/;

/**
 * A label for a kind of credential, not the credential: `REQUEST_TYPE_ACCESS_TOKEN = "auth-request-type/at"`,
 * `GRANT_TYPE_REFRESH_TOKEN`, `HEADER_API_KEY`: a type, metric, header or field word before the secret words.
 */
const KIND_OF = /(^|_)(type|types|kind|label|metric|metrics|header|field|param)_([a-z0-9]+_)?(token|access_token|id_token|refresh_token|auth_token|api_key|secret|password)$/;

/**
 * A value that spells the last word of the name it is given to (`PK_TOKEN = "token"`, `FIELD_SECRET = "secret"`):
 * a column or field name. Password names are not spared: `DB_PASSWORD = "password"`, `DB_PASSWORD_ROOT = "root"` and
 * `RESET_PASSWORD_TOKEN_SECRET = "SECRET"` are weak values that ship.
 */
export function namesItself(name: string, literal: Node): boolean {
  const lit = stringLiteral(literal);
  if (!lit) return false;
  const words = normalizeName(name).split("_").filter((w) => w.length > 0);
  const last = words[words.length - 1];
  const raw = lit.value.trim();
  const value = raw.toLowerCase();
  // Only a lower-case value names a column or field: `JWT_SECRET = "SECRET"` is a weak default that ships.
  const passwordName = words.some((w) => /^(pas+wo?r?d|passphrase|pwd)$/.test(w));
  if (words.length > 1 && raw === last && !passwordName) return true;
  // `TOKEN = "token"` alone is a label too (a cache-key prefix, a field's name): "token" names far more than
  // credentials. `SECRET = "secret"` and `PASSWORD = "password"` stay findings: weak values that ship.
  if (words.length === 1 && value === "token" && last === "token") return true;
  // A word that qualifies the secret word after it (`TOKEN_TYPE_FILED = "type"`, the claim a token's type is kept
  // under, with its typo): the value names the qualifier. Not in password names (`TOKEN_ADMIN_PASSWORD = "admin"` ships).
  const secretAt = words.findIndex((w) => /^(token|secret|key|apikey|credential|credentials)$/.test(w));
  if (secretAt >= 0 && !passwordName && words.slice(secretAt + 1).includes(raw)) return true;
  // Several words, each a word of the name: `_AUTH_ERROR_INVALID_API_KEY = "invalid api key"`,
  // `AWS_ACCESS_KEY_ID_KWARG = "aws_access_key_id"`.
  // Not when a placeholder word says it is a value that ships (`_DEV_ADMIN_SECRET_KEY = "dev-admin-secret-key"`).
  const valueWords = value.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  if (valueWords.length > 1 && valueWords.every((w) => words.includes(w)) && !valueWords.some((w) => PLACEHOLDER_WORDS.has(w))) return true;
  // The same words in camelCase or PascalCase: `WaitForTaskToken = "waitForTaskToken"`, `PROP_API_KEY_SOURCE =
  // "apiKeySource"`, `_USER_API_KEY = "UserApiKey"` (a type's name).
  const camel = /^[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(raw) ? normalizeName(raw).split("_") : [];
  return camel.length > 1 && camel.every((w) => words.includes(w));
}


/**
 * The credentials LocalStack and moto document for their local AWS emulators (`AWS_SECRET_ACCESS_KEY=test`,
 * `testing`), given to an AWS-named secret: no AWS account accepts them, and they only point the SDK at the
 * emulator. Other values under AWS names (a real key, `minioadmin`, MinIO's working default) still fire.
 */
export function emulatorCredential(name: string, literal: Node): boolean {
  const value = stringLiteral(literal)?.value.trim();
  return (value === "test" || value === "testing" || value === "localstack") && normalizeName(name).split("_").includes("aws");
}

/**
 * A string or bytes literal that can be a credential: non-empty, fully known (no f-string holes), and not one
 * of the values that name a scheme or algorithm (`bearer`, `HS256`).
 */
export function credentialLiteral(node: Node | null): Node | null {
  if (!node) return null;
  const lit = stringLiteral(node);
  if (!lit || lit.interpolated) return null;
  const value = lit.value.trim();
  if (value === "" || NOT_SECRET_VALUE.test(value) || isLabel(value) || isProse(value) || isMask(value) || isKeyTemplate(value) || isStandIn(value) || isSetting(value) || isPattern(value) || isPlainUrl(value) || isFileOrPath(value) || isHeaderName(value) || isSqlStatement(value) || isStorageKey(value)) return null;
  return unparen(node);
}

/**
 * A value that names a secret rather than being one: an environment variable name (`POLAR_WEBHOOK_SECRET`) or
 * an OAuth label (`refresh_token`, `client_secret_post`).
 */
function isLabel(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)+$/.test(value)) return false;
  // An upper-case identifier names an environment variable or a stored secret (`"SKYVERN_BITWARDEN_CLIENT_ID"`);
  // placeholders written that way (`"CHANGE_ME"`, `"YOUR_API_KEY"`) are values that ship, and still fire.
  if (/^[A-Z0-9_]+$/.test(value)) return SECRET_NAME.test(value.toLowerCase()) || !value.toLowerCase().split("_").some((w) => PLACEHOLDER_WORDS.has(w));
  return value.split("_").every((w) => LABEL_WORDS.has(w));
}

/**
 * The field or kwarg a credential is stored under (`_PASSWORD_KEY = "imap_password"`, `_API_KEY =
 * "braintrust_api_key"`): lower-case words naming a credential, given to a name. Placeholders spelled the same way
 * (`"your_secret_key_here"`, `"super_secret_token"`) are values that ship, and still fire. Only for assignments: a
 * comparison with such a value (`token == "valid_token"`) is still a check against a fixed credential.
 */
export function namesAField(literal: Node): boolean {
  const value = stringLiteral(literal)?.value.trim() ?? "";
  // Private keys too: `_SLASH_SECRET_SOURCE_KEY = "__slash_skill_secret_source"`.
  if (!/^_*[a-z]+(_[a-z]+)+$/.test(value)) return false;
  const words = value.replace(/^_+/, "").split("_");
  return words.some((w) => CREDENTIAL_WORDS.has(w)) && !words.some((w) => PLACEHOLDER_WORDS.has(w));
}

// Plurals too: `token_key = "fastapi_tokens"` names where many tokens are kept.
const CREDENTIAL_WORDS = new Set(["password", "passwords", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "key", "keys", "apikey", "credential", "credentials", "auth"]);
const PLACEHOLDER_WORDS = new Set([
  "your", "my", "our", "here", "change", "changeme", "changethis", "replace", "dummy", "example", "sample", "test", "fake", "default",
  "insecure", "dev", "local", "super", "top", "very", "strong", "random", "mock", "demo", "temp", "placeholder", "this", "me", "foo", "bar",
]);

/**
 * A value that configures something about a secret rather than being one: a boolean flag
 * (`os.getenv("PASSWORD_REQUIRE_UPPERCASE", "false")`), a file name (`"ca.crt"`, the key of a certificate in a
 * Kubernetes secret) or a rate limit (`AUTH_PASSWORD_RESET = "3/minute"`, slowapi's notation).
 */
function isSetting(value: string): boolean {
  return (
    /^(true|false|yes|no|on|off|enabled?|disabled?)$/i.test(value) ||
    /^[\w.-]*\.(crt|pem|key|cer|der|p12|pfx|jks|json|ya?ml|txt|env|ini|cfg|conf|toml)$/i.test(value) ||
    /^\d+\s*(\/|per)\s*(\d+\s*)?(seconds?|minutes?|hours?|days?|months?|years?|sec|min|[smhd])$/i.test(value)
  );
}

/**
 * A value that only stands in for a key a client library insists on: no letter or digit at all (`api_key or "-"`),
 * a single character (`token=... else "0"`, a logprob entry; no credential is one character long), the marker
 * OpenAI-compatible local servers document for "no key" (`"EMPTY"`, `"lm-studio"`, `"ollama"`, `"llama.cpp"`) and its kin
 * (`"no-auth"`, `"no-key"`, `"not-set"`, `"not-provided"`, `"missing"`, GitHub's `"x-oauth-basic"`), a shortened display or
 * substitution marker (`"!UNDERSCORE!"`, `"__shell__"`), tokenizer markup such as `"</s>"`, `"<|endoftext|>"`,
 * `"[PAD]"`, a report's "no value" (`"N/A"`), or a key its vendor makes public (`"phc_..."`, `"pk_live_..."`).
 * None of them grants access to anything. Placeholders such as
 * `"changethis"` or `"dummy"` still fire: they ship.
 */
function isStandIn(value: string): boolean {
  return (
    !/[A-Za-z0-9]/.test(value) ||
    [...value].length === 1 ||
    /^(EMPTY|((api[-_ ]?)?(key|token|secret|password)[-_ ]?)?not[-_ ]?(needed|set|provided|configured|required|used)|unset|unused|ignored|missing|no[-_ ]?(auth|key|token|password|secret)([-_ ]?(required|needed))?)$/i.test(value) ||
    // What a client that refuses an empty key is given when the server ignores it (`"cant-be-empty"`).
    /^(does[-_ ]?not|doesn'?t)[-_ ]?matter$|^(cant|can'?t|cannot)[-_ ]?be[-_ ]?empty$/i.test(value) ||
    // GitHub's documented password when the token goes in the user name.
    value === "x-oauth-basic" ||
    // The test secrets CAPTCHA vendors publish for everyone: Cloudflare Turnstile's (`1x0000000000000000000000000000000AA`
    // always passes, `2x...` always fails, `3x...` is already spent) and Google reCAPTCHA's. They protect nothing.
    /^[123]x0{31}AA$/.test(value) ||
    value === "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe" ||
    // Keys their vendors publish to every browser: a PostHog project key (`phc_`, write-only event ingestion; a
    // personal key is `phx_` and still fires) and a Stripe publishable key (`pk_live_`, `pk_test_`; the secret
    // one is `sk_`). Telemetry modules ship them on purpose.
    /^phc_[A-Za-z0-9]+$/.test(value) ||
    /^pk_(live|test)_[A-Za-z0-9]+$/.test(value) ||
    // What LM Studio, Ollama and llama.cpp document as the key their local OpenAI-compatible servers ignore.
    /^(lm-studio|ollama|llama\.cpp|vllm|sk-no-key-required)$/.test(value) ||
    // A shortened display (`"hf_..."`, `"sk-…"`) and a substitution marker (`"!UNDERSCORE!"`, `"%PASSWORD%"`).
    /(\.\.\.|…)$/.test(value) ||
    /^([!#%@$~^*=+_-]{1,3})[A-Z][A-Z0-9_]*\1$/.test(value) ||
    /^__[a-z][a-z0-9_]*__$/.test(value) ||
    // Tokenizer markup, with DeepSeek's full-width bars too (`"<｜User｜>"`, `"｜DSML｜"`).
    /^(<[|｜][\w.-]+[|｜]>|[|｜][\w.-]+[|｜]|<\/?[\w.-]+>|\[[A-Z_]+\])$/.test(value) ||
    // A command-line flag (`token == "-c"` while splitting libpq options), or the word that leaves an interactive
    // prompt (`if input_password == "exit": break` in a create-admin script).
    /^(-[A-Za-z]|--[a-z][a-z-]*)$/.test(value) ||
    /^(exit|quit|cancel|abort)$/i.test(value) ||
    // A redaction marker in brackets (`"[redacted]"`, `"<hidden>"`), or the bare word that replaces an erased value
    // (`user.hashed_password = "REDACTED"` when an account is anonymised).
    /^[\[<(*]+\s*(redacted|hidden|masked|removed|filtered|omitted)\s*[\]>)*]+$/i.test(value) ||
    /^(redacted|masked)$/i.test(value) ||
    // What a report shows when there is no value (`"N/A"`, `"not_supported"`), or an error when it does not know
    // (`def __init__(self, token: str = "unknown")`).
    /^(n\/a|not[-_ ]?(applicable|supported|available)|unsupported|unknown|undefined|null)$/i.test(value)
  );
}

/**
 * A URL with no credentials in it (`token_endpoint_override = "https://slack.com/api/oauth.v2.user.access"`): where
 * a token is fetched, not the token. A user-info part (`https://user:pass@host`) or a query string still fires.
 */
function isPlainUrl(value: string): boolean {
  return /^(https?|wss?):\/\/[^\s@?#]+$/i.test(value);
}

/**
 * A file name or an absolute path (`PASSWORD_RESET = "password_reset.html"`, `TOKEN = "/oauth/token"`,
 * `SECRET_DIR = "/var/secrets/app"`): where a template or a secret lives, or the route that issues a token. Path
 * segments are lower case: a base64 secret that happens to begin with `/` has capitals in it.
 */
function isFileOrPath(value: string): boolean {
  return (
    /^[\w./-]*[A-Za-z][\w-]*\.(html?|txt|json|ya?ml|toml|ini|cfg|conf|env|pem|key|crt|cer|pub|p12|pfx|jks|j2|jinja2?|md|csv|xml|log|db|sqlite3?)$/.test(value) ||
    /^~?(\/[a-z0-9_.{}-]*[a-z][a-z0-9_.{}-]*)+\/?$/.test(value)
  );
}

/**
 * A key in a colon-, dot- or slash-separated namespace (`TOKEN_INDEX_KEY = "auth:token:index"`): where tokens are
 * kept in Redis, a dotted name, or the name of a secret in a secret store (`EMAIL_SECRET = "acme/mailer/token"`, an
 * AWS Secrets Manager or Vault path). At least three lower-case segments, so `"user:pass"` credentials still fire.
 */
function isStorageKey(value: string): boolean {
  if (!/^[a-z][a-z0-9_-]*([:./][a-z][a-z0-9_-]*){2,}:?$/.test(value)) return false;
  // Dotted names too (`SPAN_TOKEN = "middleware.auth.token"`, a tracing span), unless a placeholder word says the
  // value ships (`"your.jwt.secret"`).
  return !value.split(/[:./_-]/).some((w) => PLACEHOLDER_WORDS.has(w));
}

/**
 * A SQL statement (`SQL_LOCK_REFRESH_TOKEN_BY_HASH = """SELECT ... FOR UPDATE"""`): a query about tokens. Leading
 * comments are skipped: sqlc and aiosql name each query in one (`-- name: create_password_reset_request :one`).
 */
function isSqlStatement(value: string): boolean {
  const sql = value.replace(/^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))+\s*/, "");
  return /^(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|WITH|CREATE|ALTER|DROP)\s[\s\S]*\s(FROM|INTO|SET|TABLE|WHERE|AS|VALUES|RETURNING)\s/i.test(sql);
}

/** An HTTP header's name (`"X-BackendAI-Storage-Auth-Token"`): where a token is sent, not the token. */
function isHeaderName(value: string): boolean {
  return /^X-[A-Z][A-Za-z0-9]*(-[A-Z][A-Za-z0-9]*)+$/.test(value);
}

/**
 * A redaction mask (`"******"`, `"•••"`, `"sk-***"`, `"****1234"`): what a secret is displayed as, not the secret.
 * A few visible characters may stay around the mask; no credential holds three stars in a row.
 */
function isMask(value: string): boolean {
  return /^[\w.-]{0,12}[*•]{3,}[\w.-]{0,12}$/.test(value);
}

/**
 * A format string with named or `%` placeholders (`"org:{org_id}:token"`, `"token:%s"`): a cache or storage key
 * pattern, not a credential. So is a Jinja reference resolved at run time (`"{{ prefect.blocks.secret.api-key }}"`),
 * except a cookiecutter variable (`"{{ cookiecutter.secret_key }}"`): the rendered project holds that literal.
 */
function isKeyTemplate(value: string): boolean {
  if (/\{\{[^{}]*\}\}/.test(value)) return !/\{\{[^{}]*\bcookiecutter\./.test(value);
  return /(^|[^{])\{[A-Za-z_][A-Za-z0-9_]*\}($|[^}])|%\(\w+\)s|%s/.test(value);
}

/**
 * A sentence (`"No token found"`, `"Invalid password"`, `"DO NOT SHARE THE RAW PASSWORD"`, `"[credentials
 * redacted]"`): a message, not a credential. Three or more short words make a sentence unless one of them says
 * placeholder (`"please change me"`, `"your secret here"`: those ship as the secret) or they are plain lower-case
 * words, the shape of a passphrase; a PEM block is a key.
 */
function isProse(value: string): boolean {
  if (/^[A-Z][a-z']*(\s+\S+)+$/.test(value)) return true;
  // Chinese, Japanese and Korean sentences have no spaces between words (`"密码长度必须至少为8个字符"`).
  if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{4}/.test(value)) return true;
  // A PEM block is a key; lower-case words alone read as a passphrase (`"correct horse battery staple"`).
  if (value.includes("-----BEGIN") || /^[a-z]+( [a-z]+)+$/.test(value)) return false;
  const words = value.split(/\s+/);
  return (
    words.length >= 3 &&
    words.every((w) => w.length <= 20) &&
    !words.some((w) => PROSE_PLACEHOLDERS.has(w.toLowerCase().replace(/[^a-z]/g, "")))
  );
}

const PROSE_PLACEHOLDERS = new Set(["your", "change", "changeme", "changethis", "replace", "dummy", "example", "sample", "fake", "placeholder", "insecure", "default", "here", "secret", "test", "demo"]);

/**
 * A regular expression (`r"[A-Za-z0-9-]+"`, `r"password|passwd|token"`, `r"(?i)bearer\s+\S+"`): a pattern that
 * finds secrets or tokens in text, not one. Credentials have no character classes with quantifiers, regex
 * escapes or groups, nor three bare words joined by `|`.
 */
function isPattern(value: string): boolean {
  if (/\[[^\]]{1,80}\][+*?{]|\\[dwsbDWSB]|\(\?[:P<=!i]/.test(value)) return true;
  const alternatives = value.replace(/^\(|\)$/g, "").split("|");
  return alternatives.length >= 3 && alternatives.every((a) => /^[\w\[\] ?-]{1,30}$/.test(a));
}

/**
 * The placeholder an unset secret holds (`"PLACEHOLDER"`, `"fillmein"`, `"changeme"`, `"your-api-key"`): comparing
 * a secret with it asks whether it was configured, not whether a caller knows it. The default that ships is
 * reported where it is assigned.
 */
export function isPlaceholderMarker(value: string): boolean {
  const v = value.trim();
  return (
    /^(placeholder|fill[-_ ]?me[-_ ]?in|change[-_ ]?(me|this|it)|replace[-_ ]?me|dummy|todo|tbd|x{3,}|not[-_ ]?(set|provided|configured)|unset|your([-_ ]?|[-_ ]([a-z0-9]+[-_ ]){1,3})(api[-_ ]?)?(key|token|secret|password)([-_ ]?here)?)$/i.test(v) ||
    // A default that says it must be replaced (`"change-me-in-production"`, `"dev-secret-key-do-not-use-in-production"`):
    // `if settings.SECRET_KEY == "change-me-in-production": raise ...` refuses to start with it.
    /(^|[-_ ])(change[-_ ]?(me|this|it)([-_ ]|$)|change[-_ ]?(in|for|before)[-_ ]?prod|(in|for)[-_ ]?production|do[-_ ]?not[-_ ]?use|not[-_ ]?for[-_ ]?prod)/i.test(v)
  );
}

const SECRET_WRAPPERS = new Set([
  "pydantic.SecretStr",
  "pydantic.SecretBytes",
  "pydantic.types.SecretStr",
  "pydantic.types.SecretBytes",
  "starlette.datastructures.Secret",
  "starlette.config.Secret",
]);

/** Pydantic `Field` and FastAPI's parameter functions: their default is the value the name gets. */
const DEFAULT_HOLDERS = new Set([
  "pydantic.Field",
  "pydantic.fields.Field",
  "sqlmodel.Field",
  "fastapi.Query",
  "fastapi.Header",
  "fastapi.Cookie",
  "fastapi.Body",
  "fastapi.Form",
  "fastapi.params.Query",
  "fastapi.params.Header",
  "fastapi.params.Cookie",
  "fastapi.params.Body",
  "fastapi.params.Form",
]);

const ENV_READS = new Set(["os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"]);

export interface EnvRead {
  /** The variable's name, when a literal. */
  key: string | null;
  /** The fallback expression, if any. */
  fallback: Node | null;
}

/** `os.getenv("X", "dev")`, `os.environ.get(...)`, starlette `config("X", default=...)`, decouple `config(...)`. */
export function envRead(index: ProjectIndex, mod: ModuleInfo, call: Node): EnvRead | null {
  const callee = call.childForFieldName("function");
  if (!callee) return null;
  // Cheap shape test first: this runs on every call of the project.
  const last = callee.type === "attribute" ? callee.childForFieldName("attribute")?.text : callee.type === "identifier" ? callee.text : null;
  const maybeEnv = last === "getenv" || last === "getenvb" || last === "get" || last === "setdefault" || last === "config";
  if (!maybeEnv && !(callee.type !== "attribute" && hasKeyword(call, "default"))) return null;
  const q = index.qualify(mod, callee);
  const isEnv = q !== null && ENV_READS.has(q);
  // Only a plain name or `Config(...)` itself can be a config instance: `obj.method(...)` calls are not looked up.
  if (!isEnv && q !== "decouple.config" && !(callee.type !== "attribute" && isConfigInstance(index, mod, callee))) return null;
  const args = callArguments(call);
  const key = stringLiteral(args.positional[0] ?? args.keywords.get("key") ?? null)?.value ?? null;
  if (isEnv) return { key, fallback: argument(args, 1, q.endsWith("setdefault") ? "value" : "default") };
  return { key, fallback: args.keywords.get("default") ?? null };
}

function hasKeyword(call: Node, name: string): boolean {
  const args = call.childForFieldName("arguments");
  if (args?.type !== "argument_list") return false;
  return args.namedChildren.some((c) => c?.type === "keyword_argument" && c.childForFieldName("name")?.text === name);
}

/** `config = Config(".env")` from Starlette (or decouple's `AutoConfig()`), or `Config(".env")` itself. */
function isConfigInstance(index: ProjectIndex, mod: ModuleInfo, callee: Node): boolean {
  const n = unparen(callee);
  let made: Node | null = null;
  let where = mod;
  if (n.type === "call") made = n;
  else {
    const r = index.resolve(mod, n);
    if (r?.def.kind === "value" && unparen(r.def.value).type === "call") {
      made = unparen(r.def.value);
      where = r.module;
    }
  }
  if (!made) return false;
  const q = index.qualify(where, made.childForFieldName("function"));
  return q === "starlette.config.Config" || q === "decouple.AutoConfig" || q === "decouple.Config";
}

/**
 * The literals a value hands to the name it is assigned to: the literal itself, the inside of `SecretStr(...)`,
 * a `Field`/`Query`/`Header` default, an environment read's fallback, either side of `or` and either branch of
 * a conditional (`os.getenv("K") or "dev-key"`, `"dev" if DEBUG else env["K"]`).
 */
export function assignedLiterals(index: ProjectIndex, mod: ModuleInfo, value: Node | null, depth = 0): Node[] {
  if (!value || depth > 6) return [];
  const n = unparen(value);
  const lit = credentialLiteral(n);
  if (lit) return [lit];
  switch (n.type) {
    case "boolean_operator":
      return [n.childForFieldName("left"), n.childForFieldName("right")].flatMap((x) => assignedLiterals(index, mod, x, depth + 1));
    case "conditional_expression":
      // `a if cond else b`: the named children are a, cond, b; the condition is not a value.
      return [n.namedChild(0), n.namedChild(2)].flatMap((x) => assignedLiterals(index, mod, x, depth + 1));
    case "call": {
      const args = callArguments(n);
      const q = index.qualify(mod, n.childForFieldName("function"));
      if (q && SECRET_WRAPPERS.has(q)) return assignedLiterals(index, mod, args.positional[0] ?? args.keywords.get("value") ?? null, depth + 1);
      if (q && DEFAULT_HOLDERS.has(q)) return assignedLiterals(index, mod, argument(args, 0, "default"), depth + 1);
      const env = envRead(index, mod, n);
      if (env) return assignedLiterals(index, mod, env.fallback, depth + 1);
      return [];
    }
  }
  return [];
}
