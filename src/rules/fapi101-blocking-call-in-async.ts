import type { SyntaxNode as Node } from "../python/flat-tree.js";
import type { ModuleInfo, Scope } from "../python/module.js";
import type { ProjectIndex } from "../python/project-index.js";
import { unparen, unwrapType } from "../python/syntax.js";
import type { Rule, RuleHit } from "./types.js";
import { inAsyncDef, loopCalls } from "./fapi101-async-scope.js";

const HTTP_VERBS = ["get", "post", "put", "patch", "delete", "head", "options", "request"];

/** The closed list of RULES.md FAPI101, by qualified name, with what to use instead. */
const BLOCKING = new Map<string, string>([
  ...HTTP_VERBS.map((v) => [`requests.${v}`, "`httpx.AsyncClient`"] as const),
  ...HTTP_VERBS.map((v) => [`requests.api.${v}`, "`httpx.AsyncClient`"] as const),
  ...[...HTTP_VERBS, "stream"].map((v) => [`httpx.${v}`, "`httpx.AsyncClient`"] as const),
  ["urllib.request.urlopen", "`httpx.AsyncClient`"],
  ["urllib3.request", "`httpx.AsyncClient`"],
  ["time.sleep", "`await asyncio.sleep(...)`"],
  ["builtins.open", "`aiofiles.open` or `anyio.open_file`"],
  ["io.open", "`aiofiles.open` or `anyio.open_file`"],
  ...["run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"].map(
    (f) => [`subprocess.${f}`, "`asyncio.create_subprocess_exec`"] as const,
  ),
  ["os.system", "`asyncio.create_subprocess_shell`"],
  ["os.popen", "`asyncio.create_subprocess_shell`"],
  ["smtplib.SMTP", "an async mail client such as `aiosmtplib`, or `run_in_threadpool`"],
  ["smtplib.SMTP_SSL", "an async mail client such as `aiosmtplib`, or `run_in_threadpool`"],
]);

/** Request methods of a `requests.Session()` / `httpx.Client()` value (`close()` and friends do no I/O wait). */
const CLIENT_METHODS = new Set([...HTTP_VERBS, "stream", "send"]);
const PATH_IO_METHODS = new Set(["read_text", "read_bytes", "write_text", "write_bytes", "open"]);
const PATH_TYPES = new Set(["pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"]);
/** Path methods and attributes whose result is again a Path, so `Path(__file__).parent / "x.txt"` is followed. */
const PATH_TO_PATH = new Set(["parent", "resolve", "absolute", "expanduser", "with_name", "with_suffix", "with_stem", "joinpath", "relative_to", "cwd", "home"]);
const MAX_DEPTH = 8;

export const fapi101: Rule = {
  code: "FAPI101",
  name: "blocking-call-in-async",
  antiPattern: "Async First",
  source: "principle",
  severity: "error",
  message: "Blocking call inside `async def`: it stalls the event loop and every request the worker is serving",
  fix: "Async First: \"Default to async.\" Use the async counterpart (`httpx.AsyncClient`, `await asyncio.sleep`, `aiofiles`/`anyio.open_file`, `asyncio.create_subprocess_exec`), or offload the call with `await run_in_threadpool(func, ...)`.",
  docs: {
    what:
      "Flags, in the own scope of an `async def` (nested def/lambda/class bodies excluded), calls that are neither awaited nor handed uncalled to `run_in_threadpool`, `asyncio.to_thread`, `anyio.to_thread.run_sync`, `run_in_executor` or `add_task`, of: " +
      "`requests.get|post|put|patch|delete|head|options|request`; `get|post|put|patch|delete|head|options|request|stream|send` on a `requests.Session()` or `httpx.Client()` value (a local or module name bound to one, `with httpx.Client() as client`, a parameter annotated so, or an attribute `self.client` whose class binds it only to such a client, in `__init__` or another method or as a class-level declaration, also through project base classes); `urllib.request.urlopen`; `urllib3.request`; `httpx.get|post|put|patch|delete|head|options|request|stream`; `time.sleep`; builtin `open`; `io.open`; " +
      "`read_text|read_bytes|write_text|write_bytes|open` on a `pathlib.Path`; `subprocess.run|call|check_call|check_output|Popen|getoutput|getstatusoutput`; `os.system`; `os.popen`; `smtplib.SMTP(...)`; `smtplib.SMTP_SSL(...)`. Names resolve through imports and aliases (`import requests as r`, `from time import sleep`). " +
      "Decisions where RULES.md is silent: a Path is a `Path(...)`/`Path.cwd()`/`Path.home()` call, a parameter annotated `pathlib.Path`, or a name (local, module-level, or imported from a project module) bound to one, followed through `/`, `.parent`, `.resolve()`, `.with_suffix()` and the other Path-returning methods; a Path reached through an object attribute (`settings.BASE_DIR / \"x\"`) is not followed, as its type is unknown. " +
      "`fastapi.Path` is a parameter marker, not `pathlib.Path`, and never matches. The list is closed: methods of an SMTP object, `shutil`, third-party SDKs do not fire. Test code (`tests/`, `test_*.py`, `conftest.py`...) is not checked: async tests often read the database through a sync session on purpose, and blocking a test's own event loop harms no user. A line marked for ruff's flake8-async blocking-call checks (`# noqa: ASYNC230`, any of ASYNC210-ASYNC251) is suppressed like `# noqa: FAPI101`. Command-line scripts are not checked either (the same test FAPI001 uses: in a `scripts/`-like folder or a task runner's file, with a `#!` line, an `if __name__ == \"__main__\":` block, a module-level `sys.exit`, `asyncio.run` or loop, defining no app, router or route, starting no server, and imported by nothing but other scripts and tests): their `async def main()` blocks only its own run; nor are database migrations (`migrations/`, Alembic `versions/`), which the `alembic` command runs.",
    why:
      "An `async def` runs on the event loop thread. A blocking call there (network, sleep, disk, a child process) holds the thread until it returns, so every other request, websocket and background task of the worker waits with it. FastAPI only runs plain `def` endpoints in a thread pool; inside `async def` the code must await or offload.",
    example:
      "import requests\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get(\"/weather\")\nasync def weather(city: str):\n    response = requests.get(f\"https://api.example.com/{city}\")\n    return response.json()",
    instead:
      "import httpx\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get(\"/weather\")\nasync def weather(city: str):\n    async with httpx.AsyncClient() as client:\n        response = await client.get(f\"https://api.example.com/{city}\")\n    return response.json()",
  },
  check({ index }) {
    const hits: RuleHit[] = [];
    for (const { module, fn, scope, call } of loopCalls(index)) {
      const callee = call.childForFieldName("function");
      if (!callee) continue;
      const qualified = index.qualify(module, callee);
      const q = qualified && index.canonical(qualified, module);
      const instead = q ? BLOCKING.get(q) : undefined;
      if (q && instead) {
        const shown = q.startsWith("builtins.") ? q.slice("builtins.".length) : q;
        hits.push({ module, node: call, message: `Blocking call \`${shown}\` inside ${inAsyncDef(fn)}; use ${instead}` });
        continue;
      }
      if (callee.type !== "attribute") continue;
      const method = callee.childForFieldName("attribute")?.text ?? "";
      const obj = callee.childForFieldName("object");
      if (CLIENT_METHODS.has(method) && obj) {
        const tag = index.valueTag(module, scope, obj);
        if (tag === "requests-session" || tag === "httpx-client") {
          const kind = tag === "requests-session" ? "`requests.Session`" : "`httpx.Client`";
          hits.push({ module, node: call, message: `Blocking ${kind} call \`${obj.text}.${method}\` inside ${inAsyncDef(fn)}; use \`httpx.AsyncClient\` and \`await\` it` });
          continue;
        }
      }
      if (PATH_IO_METHODS.has(method) && obj && isPath(index, module, scope, obj, call.startIndex, 0)) {
        hits.push({ module, node: call, message: `Blocking file I/O \`Path.${method}\` inside ${inAsyncDef(fn)}; use \`aiofiles\` or \`anyio.Path\`, or offload it with \`run_in_threadpool\`` });
      }
    }
    return hits;
  },
};

/** Whether an expression is a `pathlib.Path` (see the docs for what is followed). */
function isPath(index: ProjectIndex, mod: ModuleInfo, scope: Scope, expr: Node, before: number, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const n = unparen(expr);
  switch (n.type) {
    case "call": {
      const callee = n.childForFieldName("function");
      const q = index.qualify(mod, callee);
      if (q && PATH_TYPES.has(q)) return true;
      // `Path.cwd()`, `p.resolve()`, `p.with_suffix(".txt")`
      if (callee?.type === "attribute" && PATH_TO_PATH.has(callee.childForFieldName("attribute")?.text ?? "")) {
        const obj = callee.childForFieldName("object");
        if (!obj) return false;
        const oq = index.qualify(mod, obj);
        if (oq && PATH_TYPES.has(oq)) return true;
        return isPath(index, mod, scope, obj, before, depth + 1);
      }
      return false;
    }
    case "binary_operator": {
      if (n.childForFieldName("operator")?.text !== "/") return false;
      const left = n.childForFieldName("left");
      return !!left && isPath(index, mod, scope, left, before, depth + 1);
    }
    case "attribute": {
      if (n.childForFieldName("attribute")?.text === "parent") {
        const obj = n.childForFieldName("object");
        if (obj && isPath(index, mod, scope, obj, before, depth + 1)) return true;
      }
      // A module-level constant of a project module: `config.TEMPLATE_DIR`.
      const r = index.resolve(mod, n);
      return r?.def.kind === "value" && isPath(index, r.module, r.module.moduleScope, r.def.value, Number.MAX_SAFE_INTEGER, depth + 1);
    }
    case "identifier":
      return nameIsPath(index, mod, scope, n.text, before, depth + 1);
    default:
      return false;
  }
}

function nameIsPath(index: ProjectIndex, mod: ModuleInfo, scope: Scope, name: string, before: number, depth: number): boolean {
  for (let s: Scope | null = scope; s; s = s.parent) {
    if (s.kind === "class") continue;
    if (s.kind === "function" && s.fn) {
      const param = s.fn.params.find((p) => p.name === name);
      if (param) {
        if (!param.annotation) return false;
        const q = index.qualify(mod, unwrapType(param.annotation));
        return !!q && PATH_TYPES.has(q);
      }
    }
    const bound = index.localBinding(s, name, before);
    if (bound !== undefined) return !!bound && isPath(index, mod, s, bound, bound.startIndex, depth + 1);
    if (s.kind === "module") break;
  }
  const r = index.resolveSymbol(index.qualifyName(mod, name) ?? "", mod);
  if (r?.def.kind === "value" && r.module !== mod) return isPath(index, r.module, r.module.moduleScope, r.def.value, Number.MAX_SAFE_INTEGER, depth + 1);
  return false;
}

