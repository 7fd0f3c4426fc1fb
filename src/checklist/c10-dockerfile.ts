import type { Copy } from "dockerfile-ast";
import { count, itemResult } from "./evidence.js";
import type { ParsedDockerfile } from "./config-files.js";
import {
  baseImage,
  buildsPython,
  effectiveUser,
  fromFlag,
  installExcerpt,
  isPythonImage,
  isPythonServerImage,
  isRootUser,
  isSlimImage,
  lineage,
  pythonCommand,
  pythonInstall,
  stagesOf,
  type Stage,
} from "./dockerfile.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

/** Paths that hold installed Python packages or what installs them. */
const PACKAGE_PATH = /(^|\/)(\.?venv|site-packages|dist-packages|wheels?|wheelhouse|install|\.local|packages|deps)(\/|$)|\.whl$/;
/** Binaries, configuration and Node packages of the system: copied for tools, not for the Python app. */
const SYSTEM_PATH = /^\/(etc|bin|sbin|opt\/[\w.-]+\/bin|usr\/(local\/)?(s?bin|lib\/node_modules|share))(\/|$)/;

/**
 * C10 "Dockerfile optimized (multi-stage)": the Dockerfile that builds the Python app has two or more `FROM`
 * stages and its final stage, or a stage it is built `FROM`, copies (`COPY --from=`) from an earlier stage that
 * builds Python. Evidence notes a non-root `USER` and a slim or distroless final base. Fails when an app has no
 * Dockerfile; not applicable with neither an app nor a Dockerfile.
 * Decisions: "the Dockerfile that builds the Python app" is the one that installs Python packages, runs a Python
 * server, or starts from a Python image, in that order of weight, the shallowest on a tie; a copy from a stage that
 * only builds a frontend (or downloads files) is not a multi-stage Python build; `COPY --from=<image>` copies from an
 * image, not a stage; the final stage is the last one, the one `docker build` makes by default.
 */
export function checkC10(ctx: Pick<AuditContext, "facts" | "persona" | "configs">): ChecklistItemResult {
  const { facts, configs } = ctx;
  const fix = {
    quotes: [{ decision: "Deployment" } as const],
    nextStep:
      "build in a `FROM python:3.12-slim AS builder` stage that installs the dependencies into a virtualenv " +
      "(`uv sync --frozen --no-dev` or `pip install --prefix`), then `FROM python:3.12-slim` (or a distroless Python image), " +
      "`COPY --from=builder` the virtualenv and the app, and switch to a non-root `USER`.",
  };
  if (configs.dockerfiles.length === 0) {
    if (!facts.hasApp) return itemResult(ctx, "C10", "not_applicable", [{ note: "no app and no Dockerfile" }], null);
    return itemResult(ctx, "C10", "fail", [{ note: "the project has an app but no Dockerfile (or Containerfile)" }], fix);
  }
  const appPaths = mainAppPaths(facts);
  const ranked = configs.dockerfiles
    .map((d) => ({ d, stages: stagesOf(d.dockerfile) }))
    .map((x) => ({ ...x, score: score(x.stages, x.d.file.path, appPaths) }))
    .sort((a, b) => b.score - a.score || depth(a.d) - depth(b.d) || (a.d.file.path < b.d.file.path ? -1 : 1));
  const chosen = ranked[0]!;
  const file = chosen.d.file.path;
  if (chosen.score === 0) {
    return itemResult(ctx, "C10", "fail", [{ note: `none of the ${count(ranked.length, "Dockerfile")} builds the Python app: ${ranked.map((r) => r.d.file.path).join(", ")}` }], fix);
  }
  const evidence: Evidence[] = [];
  const others = ranked.slice(1).map((r) => r.d.file.path);
  const stages = chosen.stages;
  const final = stages[stages.length - 1]!;
  const label = (s: Stage) => (s === final ? "the final stage" : s.name ? `\`${s.name}\`` : `stage ${s.index}`);
  const describe = (s: Stage) => `${label(s)} (\`${s.written ? `${s.written}\` = \`${s.image}` : s.image}\`, line ${s.line})`;
  evidence.push({ file, line: final.line, note: `builds the Python app in ${count(stages.length, "stage")}: ${stages.map(describe).join(", ")}${others.length > 0 ? ` (other Dockerfiles: ${others.join(", ")})` : ""}` });

  const copies = lineage(final).flatMap((s) => s.copiesFrom.map((c) => ({ into: s, ...c })));
  const pythonCopies = copies.filter((c) => buildsPython(c.stage));
  if (stages.length < 2) {
    evidence.push({ file, line: final.line, note: "single stage: build tools and caches end up in the image" });
  } else if (pythonCopies[0]) {
    // Show the copy that carries the packages (a virtualenv, site-packages, wheels) over one that carries
    // `/etc/passwd` or a log folder from the same stage.
    // Then one that carries the app (`/app/backend` with its virtualenv) over system binaries (`/usr/bin/node`).
    const c =
      pythonCopies.find((x) => x.sources.some((src) => PACKAGE_PATH.test(src))) ??
      pythonCopies.find((x) => x.sources.some((src) => !SYSTEM_PATH.test(src))) ??
      pythonCopies[0];
    const install = pythonInstall(c.stage) ?? lineage(c.stage).map(pythonInstall).find((x) => x) ?? null;
    const what = c.sources.length > 0 ? ` \`${c.sources.join(" ")}\`` : "";
    evidence.push({ file, line: c.line, note: `${label(c.into)} copies${what} from ${label(c.stage)}${install ? `, which installs Python packages (line ${install.line})` : ", a Python stage"}` });
    // `poetry export` in a builder, `pip install -r` in the final image: worth saying, the copy is then only a list.
    const ownInstall = lineage(final).map(pythonInstall).find((x) => x);
    if (ownInstall) evidence.push({ file, line: ownInstall.line, note: `the final image also installs Python packages itself: \`${installExcerpt(ownInstall.text)}\`` });
  } else if (copies.length > 0) {
    const sources = [...new Set(copies.map((c) => c.stage))];
    evidence.push({ file, line: copies[0]!.line, note: `the final stage copies only from ${sources.map(label).join(", ")}, which ${sources.length === 1 ? "builds" : "build"} no Python (${[...new Set(copies.map((c) => baseImage(c.stage)))].join(", ")}); the Python dependencies are installed in the final image itself` });
  } else {
    evidence.push({ file, line: final.line, note: "the final stage copies nothing from an earlier stage (`COPY --from=`)" });
  }

  // Another stage that starts the app is a build target too (`docker build --target`): say how it is built.
  const sources = new Set(stages.flatMap((s) => [...s.copiesFrom.map((c) => c.stage), ...(s.parent ? [s.parent] : [])]));
  for (const other of stages) {
    if (other === final || sources.has(other) || !pythonCommand(other)) continue;
    const fromPython = lineage(other).some((s) => s.copiesFrom.some((c) => buildsPython(c.stage)));
    evidence.push({ file, line: other.line, note: `${label(other)} also starts the app (a \`--target\`); it ${fromPython ? "copies from a Python build stage" : "copies from no Python build stage"}` });
  }

  const user = effectiveUser(final);
  if (!user) evidence.push({ file, note: "no `USER`: the container runs as root" });
  else if (isRootUser(user.user)) evidence.push({ file, line: user.line, note: `\`USER ${user.user}\`: the container runs as root` });
  else evidence.push({ file, line: user.line, note: `runs as non-root \`USER ${user.user}\`` });
  const base = baseImage(final);
  evidence.push({ file, line: final.line, note: isSlimImage(base) ? `slim final base \`${base}\`` : `final base \`${base}\` is a full image; a \`-slim\` or distroless base is smaller` });

  const pass = stages.length >= 2 && pythonCopies.length > 0;
  return itemResult(ctx, "C10", pass ? "pass" : "fail", evidence, fix);
}

/**
 * How surely a Dockerfile builds the Python app: installs Python packages (4), runs a Python server (2, also from a
 * server image such as `tiangolo/uvicorn-gunicorn-fastapi`), Python base (1). Among those, one that starts something
 * else (`CMD ["sh", "entrypoint.sh"]`, 1) and copies more than the dependency manifests (1) is the app's image rather
 * than a base image holding only the dependencies. One that copies the module defining the `FastAPI()` app (8) builds
 * that app, where the others of a monorepo build its bots, workers and tools; a bare `COPY . .` copies it surely (8)
 * when the app lies under the Dockerfile's own folder, the usual build context, and only perhaps (4) when it lies
 * beside it (SurfSense's `surfsense_mcp/Dockerfile` next to `surfsense_backend/`, whose Dockerfile builds the app).
 */
function score(stages: Stage[], path: string, appPaths: string[]): number {
  let s = 0;
  if (stages.some((st) => pythonInstall(st))) s += 4;
  const runsPython = stages.some((st) => pythonCommand(st) || isPythonServerImage(st.image));
  if (runsPython) s += 2;
  if (stages.some((st) => isPythonImage(st.image))) s += 1;
  if (s === 0) return 0;
  if (!runsPython && stages.some((st) => st.instructions.some((i) => /^(CMD|ENTRYPOINT)$/i.test(i.getKeyword())))) s += 1;
  if (stages.some(copiesSource)) s += 1;
  s += Math.max(0, ...stages.map((st) => copiesApp(st, path, appPaths)));
  return s;
}

/**
 * The modules defining "the Python app": among the apps not mounted into another, those whose folder holds the most
 * HTTP routes (khoj's server, not the one-route telemetry service next to it).
 */
function mainAppPaths(facts: AuditContext["facts"]): string[] {
  const apps = facts.apps.filter((a) => !a.mounted);
  const folder = (path: string) => path.split("/").slice(0, -1).join("/");
  const routesUnder = (dir: string) => facts.httpRoutes.filter((r) => dir === "" || r.module.file.path.startsWith(`${dir}/`)).length;
  const weighed = apps.map((a) => ({ path: a.module.file.path, routes: routesUnder(folder(a.module.file.path)) }));
  const most = Math.max(0, ...weighed.map((w) => w.routes));
  return weighed.filter((w) => w.routes === most).map((w) => w.path);
}

/**
 * Whether a `COPY`/`ADD` from the build context brings in one of the app modules. The build context is not written
 * in the Dockerfile (compose files and CI set it), so a source counts when it names an app module's path or a folder
 * above it relative to the Dockerfile's folder or to any folder above that (`COPY ./backend/main.py` from the root,
 * `COPY ./app` from `users/` for `users/docker/backend.dockerfile`): 8. `COPY . .` copies every app below the build
 * context: 8 for an app under the Dockerfile's folder, 4 for one elsewhere (a context set above it).
 */
function copiesApp(stage: Stage, dockerfilePath: string, appPaths: string[]): number {
  if (appPaths.length === 0) return 0;
  const dirs = dockerfilePath.split("/").slice(0, -1);
  const own = dirs.join("/");
  const bases = dirs.map((_, i) => dirs.slice(0, dirs.length - i).join("/")).concat([""]);
  let best = 0;
  for (const src of contextSources(stage)) {
    const rel = src.replace(/^\.\/+/, "").replace(/\/+$/, "").replace(/\/\*.*$/, "");
    if (rel === "" || rel === ".") {
      best = Math.max(best, appPaths.some((p) => own === "" || p.startsWith(`${own}/`)) ? 8 : 4);
      continue;
    }
    if (rel.startsWith("/") || rel.includes("..")) continue;
    const named = bases.some((base) => {
      const full = base ? `${base}/${rel}` : rel;
      return appPaths.some((p) => p === full || p.startsWith(`${full}/`));
    });
    if (named) return 8;
  }
  return best;
}

/** The build-context sources of a stage's `COPY`/`ADD` instructions (not `COPY --from=`, not URLs). */
function contextSources(stage: Stage): string[] {
  const out: string[] = [];
  for (const i of stage.instructions) {
    const keyword = i.getKeyword().toUpperCase();
    if (keyword !== "COPY" && keyword !== "ADD") continue;
    if (keyword === "COPY" && fromFlag(i as Copy)) continue;
    for (const a of i.getArguments().slice(0, -1)) {
      const src = a.getValue().replace(/^["[\s]+|["\],\s]+$/g, "");
      if (!src.startsWith("--") && !/^https?:/.test(src)) out.push(src);
    }
  }
  return out;
}

const MANIFEST = /(^|\/)(pyproject\.toml|uv\.lock|poetry\.lock|pdm\.lock|Pipfile(\.lock)?|requirements[\w.-]*\.(txt|in)|setup\.(py|cfg)|README[\w.]*|LICENSE[\w.]*)$/i;

/** A `COPY`/`ADD` from the build context of something other than dependency manifests (`COPY . .`, `COPY app/ app/`). */
function copiesSource(stage: Stage): boolean {
  return contextSources(stage).some((src) => !MANIFEST.test(src));
}

function depth(d: ParsedDockerfile): number {
  return d.file.path.split("/").length;
}
