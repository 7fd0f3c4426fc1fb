/**
 * Project templates (cookiecutter, copier) keep Jinja tags in their `.py` files: `{% if use_db %}` lines and
 * `{{ cookiecutter.project_slug }}` names. Python's grammar cannot parse them, and tree-sitter's error recovery
 * then swallows whole statements (an `app = FastAPI(...)` whose arguments hold an `{% if %}` is lost). Blanking
 * the tags keeps every line and column where it was, keeps the Python of every branch, and turns expressions
 * into identifiers, so the template's code is analysed as the generated project's would be.
 */

/** A Jinja statement or comment tag alone on its line: `{% if x %}`, `{%- endif -%}`, `{# note #}`. */
const TAG_LINE = /^[ \t]*(\{%-?[^\n]*?-?%\}|\{#[^\n]*?#\})[ \t]*$/gm;
/** Any statement or comment tag, also inline (`x = 1  {% if y %}`). */
const INLINE_TAG = /\{%-?[^\n]*?-?%\}|\{#[^\n]*?#\}/g;
/** An expression tag: `{{ cookiecutter.project_slug }}`. */
const EXPRESSION = /\{\{[^\n]*?\}\}/g;

/** Whether the text holds Jinja statement tags on lines of their own, the mark of a template file. */
export function looksLikeTemplate(source: string): boolean {
  if (!source.includes("{%") && !source.includes("{{")) return false;
  TAG_LINE.lastIndex = 0;
  if (TAG_LINE.test(source)) return true;
  // `from {{cookiecutter.project_slug}}.core import settings`, `class {{ cookiecutter.prefix }}Field(BaseField):`,
  // `{{ cookiecutter.app }}_router = APIRouter()`: an expression where Python needs a name.
  return /^[ \t]*(from|import|class|def|async[ \t]+def)[ \t][^\n]*\{\{|^[ \t]*[\w.]*\{\{[^\n]*?\}\}[\w.]*[ \t]*[=(.:[]/m.test(source);
}

/**
 * The source with Jinja tags blanked to spaces and expressions to `_` runs of the same length. An expression inside
 * a string on its line (`SECRET_KEY = "{{ cookiecutter.secret_key }}"`) stays: Python parses it as it is, and the
 * value says what the rendered project will hold.
 */
export function blankTemplateTags(source: string): string {
  return source
    .replace(INLINE_TAG, (tag) => " ".repeat(tag.length))
    .replace(EXPRESSION, (expr, at: number, text: string) => (insideString(text, at) ? expr : "_".repeat(expr.length)));
}

/** Whether a position is inside a quoted string opened earlier on its line (an odd number of quotes before it). */
function insideString(text: string, at: number): boolean {
  const line = text.slice(text.lastIndexOf("\n", at - 1) + 1, at).replace(/\\./g, "");
  let quote: string | null = null;
  for (const c of line) {
    if (c === "#" && !quote) return false;
    if (c === '"' || c === "'") quote = quote === null ? c : quote === c ? null : quote;
  }
  return quote !== null;
}

/**
 * A templated Dockerfile (`FROM python:{{ cookiecutter.py_version }}-slim`, `{% if use_uv %}RUN uv sync{% endif %}`)
 * as dockerfile-ast can read it: statement and comment tags blanked to spaces, and the spaces inside each
 * expression dropped, so `python:{{cookiecutter.py_version}}-slim` stays one image word and not `python:{{`.
 * Lines stay where they were; the audit's Dockerfile evidence cites lines only.
 */
export function flattenTemplateTags(source: string): string {
  if (!source.includes("{%") && !source.includes("{{") && !source.includes("{#")) return source;
  return source.replace(INLINE_TAG, (tag) => " ".repeat(tag.length)).replace(EXPRESSION, (expr) => expr.replace(/[ \t]+/g, ""));
}
