import type { ModuleInfo } from "../python/module.js";
import { count, itemResult } from "./evidence.js";
import { dirOf, joinRel } from "./config-files.js";
import { iniValue } from "./ini.js";
import { runsUnderAlembic } from "./project-facts.js";
import type { AuditContext, ChecklistItemResult, Evidence } from "./types.js";

interface AlembicConfig {
  /** Where it is declared: `alembic.ini` or `pyproject.toml [tool.alembic]`. */
  file: string;
  line?: number;
  scriptLocation: string | null;
  versionLocations: string[] | null;
  recursive: boolean;
  /** An alembic.ini with no `script_location` under a pyproject.toml whose `[tool.alembic]` has it (Alembic 1.16+). */
  companionOf?: string;
}

/**
 * C06 "Alembic migrations versions tracked": an Alembic config (`alembic.ini`'s `[alembic]` or pyproject's
 * `[tool.alembic]`), the `env.py` of its `script_location`, and at least one revision file (module-level `revision`
 * and `down_revision`) in its versions folder (`version_locations`, default `<script_location>/versions`), not
 * excluded by `.gitignore`. Not applicable without SQL, whatever stray `alembic.ini` lies around; but an app that
 * reaches its database without SQLAlchemy (asyncpg, `databases`) and keeps complete Alembic revisions is held to them.
 * Decisions: paths resolve as Alembic resolves them from the config's folder (`%(here)s` included); a
 * `package:path` location is looked up among the project's folders; one complete config is enough; an alembic.ini
 * without `script_location` in or below the folder of a pyproject.toml whose `[tool.alembic]` has one is the other
 * half of that config.
 */
export function checkC06(ctx: Pick<AuditContext, "facts" | "persona" | "configs" | "project">): ChecklistItemResult {
  const { facts, configs } = ctx;
  const sql = facts.sqlImport;
  const found = alembicConfigs(ctx);
  const evaluated = found.map((config) => evaluate(ctx, config));
  if (!sql) {
    // An app on asyncpg or `databases` with raw SQL still has its schema managed by Alembic: real revisions say so.
    const used = evaluated.filter((e) => e.complete);
    if (used.length > 0) {
      const evidence = [
        { note: "the app does not import sqlalchemy or sqlmodel, but Alembic revisions manage its database schema" },
        ...used.flatMap((e) => e.evidence),
      ];
      return itemResult(ctx, "C06", "pass", evidence, null);
    }
    const stray = configs.alembicInis.map((c) => ({ file: c.file.path, note: "an Alembic config, but the project does not use SQL" }));
    return itemResult(ctx, "C06", "not_applicable", [{ note: "the project does not import sqlalchemy or sqlmodel outside test and docs code" }, ...stray], null);
  }
  const evidence: Evidence[] = [];
  let complete = false;
  if (found.length === 0) {
    evidence.push({ note: "no `alembic.ini` and no `[tool.alembic]` in pyproject.toml" });
    const envs = facts.index.modules.filter((m) => runsUnderAlembic(m) && /(^|\/)env\.py$/.test(m.file.path));
    for (const m of envs) evidence.push({ file: m.file.path, note: "an Alembic env.py with no config beside it in the scanned folder" });
  }
  // Two configs may share one migrations folder (aim's alembic.ini and alembic_dev.ini): name its revision once.
  const said = new Set<string>();
  for (const e of evaluated) {
    for (const item of e.evidence) {
      const key = `${item.file ?? ""}:${item.line ?? ""}:${item.note}`;
      if (!said.has(key)) evidence.push(item);
      said.add(key);
    }
    complete ||= e.complete;
  }
  return itemResult(ctx, "C06", complete ? "pass" : "fail", evidence, {
    quotes: [{ decision: "Data Layer" }],
    nextStep:
      "run `alembic init -t async migrations` if there is no config, then `alembic revision --autogenerate -m \"initial\"`, " +
      "commit the files under the versions folder, and make sure .gitignore does not exclude them.",
  });
}

/** What one Alembic configuration holds: its env.py and tracked revisions. */
function evaluate(ctx: Pick<AuditContext, "facts" | "project">, config: AlembicConfig): { evidence: Evidence[]; complete: boolean } {
  const { facts, project } = ctx;
  const where: Evidence = { file: config.file, ...(config.line ? { line: config.line } : {}), note: "" };
  if (config.companionOf) {
    return { evidence: [{ ...where, note: `holds the rest of the Alembic settings; \`script_location\` comes from ${config.companionOf} [tool.alembic]` }], complete: false };
  }
  if (!config.scriptLocation) return { evidence: [{ ...where, note: "Alembic config without `script_location`" }], complete: false };
  const base = workingFolder(ctx, dirOf(config.file), config.scriptLocation);
  const script = resolveLocation(ctx, base, config.scriptLocation);
  if (script.startsWith("../")) {
    return { evidence: [{ ...where, note: `\`script_location = ${config.scriptLocation}\` is outside the scanned folder; scan the folder that holds it` }], complete: false };
  }
  const env = project.pythonFiles.find((f) => f.path === joinRel(script, "env.py"));
  const versionDirs = (config.versionLocations ?? [joinRel(script, "versions")]).map((v) =>
    config.versionLocations ? resolveLocation(ctx, base, v) : v,
  );
  const revisions = revisionFiles(facts.index.modules, versionDirs, config.recursive);
  const tracked = revisions.filter((m) => !project.isGitIgnored(m.file.path));
  const ignoredDirs = versionDirs.filter((d) => project.isGitIgnored(`${d}/`) || project.isGitIgnored(`${d}/0001_initial.py`));
  const notes: string[] = [`script_location \`${script || "."}\``];
  notes.push(env ? "env.py present" : "no env.py");
  if (tracked.length > 0) notes.push(`${count(tracked.length, "revision")} in ${versionDirs.join(", ")}`);
  else if (ignoredDirs.length > 0) notes.push(`${ignoredDirs.join(", ")} is excluded by .gitignore, so no revision is tracked`);
  else if (revisions.length > 0) notes.push(`${count(revisions.length, "revision")} excluded by .gitignore`);
  else notes.push(`no revision file in ${versionDirs.join(", ")}`);
  const evidence: Evidence[] = [{ ...where, note: notes.join("; ") }];
  const first = tracked.sort((a, b) => (a.file.path < b.file.path ? -1 : 1))[0];
  if (first) evidence.push({ file: first.file.path, note: "a tracked revision" });
  return { evidence, complete: !!env && tracked.length > 0 && ignoredDirs.length === 0 };
}

function alembicConfigs(ctx: Pick<AuditContext, "configs">): AlembicConfig[] {
  const out: AlembicConfig[] = [];
  const pyprojectWithLocation = (dir: string) =>
    ctx.configs.pyprojects.find((p) => {
      const alembic = (p.data["tool"] as Record<string, unknown> | undefined)?.["alembic"] as Record<string, unknown> | undefined;
      // Alembic reads pyproject.toml from the folder it runs in, which holds the ini or one of its parents.
      const base = dirOf(p.file.path);
      const above = base === "" || dir === base || dir.startsWith(`${base}/`);
      return above && typeof alembic?.["script_location"] === "string";
    })?.file.path;
  for (const { file, ini } of ctx.configs.alembicInis) {
    // `alembic --name core` reads section [core] instead of [alembic]: every section with a `script_location`
    // is a configuration (multi-database and multi-tenant setups keep several).
    const named = [...ini.sections.keys()].filter((name) => name === "alembic" || ini.sections.get(name)?.has("script_location"));
    const companionOf = pyprojectWithLocation(dirOf(file.path));
    if (named.length === 0 || (companionOf && named.every((n) => !ini.sections.get(n)?.has("script_location")))) {
      out.push({ file: file.path, scriptLocation: null, versionLocations: null, recursive: false, ...(companionOf ? { companionOf } : {}) });
      continue;
    }
    for (const section of named) {
      // Alembic passes the ini's folder as `here`; "." keeps paths relative to it.
      const vars = { here: "." };
      const scriptLocation = iniValue(ini, section, "script_location", vars);
      // A bare [alembic] holding only shared options beside named sections is not a configuration of its own.
      if (!scriptLocation && section === "alembic" && named.length > 1) continue;
      const versions = iniValue(ini, section, "version_locations", vars);
      const separator = iniValue(ini, section, "path_separator", vars) ?? iniValue(ini, section, "version_path_separator", vars);
      const line = ini.sectionLines.get(section);
      out.push({
        file: file.path,
        ...(line ? { line } : {}),
        scriptLocation,
        versionLocations: versions ? splitLocations(versions, separator) : null,
        recursive: /^(true|1|yes|on)$/i.test(iniValue(ini, section, "recursive_version_locations", vars) ?? ""),
      });
    }
  }
  for (const { file, data } of ctx.configs.pyprojects) {
    const tool = data["tool"] as Record<string, unknown> | undefined;
    const alembic = tool?.["alembic"] as Record<string, unknown> | undefined;
    if (!alembic || typeof alembic !== "object") continue;
    const here = (s: string) => s.replace(/%\(here\)s/g, ".");
    const versions = alembic["version_locations"];
    out.push({
      file: file.path,
      scriptLocation: typeof alembic["script_location"] === "string" ? here(alembic["script_location"]) : null,
      versionLocations: Array.isArray(versions) ? versions.filter((v): v is string => typeof v === "string").map(here) : typeof versions === "string" ? splitLocations(here(versions), null) : null,
      recursive: alembic["recursive_version_locations"] === true,
    });
  }
  return out;
}

/** Alembic's `version_locations` splitting: by its separator setting, else the legacy space-or-comma split. */
function splitLocations(value: string, separator: string | null): string[] {
  const sep = separator?.trim();
  const parts =
    sep === "space" ? value.split(/\s+/) : sep === "newline" ? value.split(/\n/) : sep === "os" ? value.split(":") : sep ? value.split(sep) : value.split(/, *| +/);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The folder Alembic runs in, which relative paths are resolved from: the config's own folder (`cd` there, then
 * `alembic upgrade head`), unless `script_location` only exists from a folder above it, as when the app runs
 * `alembic -c keep/alembic.ini` from the repository's root with `script_location = keep/api/models/db/migrations`.
 */
function workingFolder(ctx: Pick<AuditContext, "project">, configDir: string, location: string): string {
  if (/^(\/|[A-Za-z]:[\\/])|^[A-Za-z_][\w.]*:/.test(location)) return configDir;
  const paths = [...ctx.project.pythonFiles, ...ctx.project.otherFiles].map((f) => f.path);
  const exists = (dir: string) => dir === "" || paths.some((p) => p.startsWith(`${dir}/`));
  for (let dir: string | null = configDir; dir !== null; dir = dir === "" ? null : dirOf(dir)) {
    const candidate = joinRel(dir, location);
    if (!candidate.startsWith("../") && exists(candidate)) return dir;
  }
  return configDir;
}

/** A config path relative to Alembic's working folder; `pkg.sub:dir` found among the project's folders. */
function resolveLocation(ctx: Pick<AuditContext, "project">, base: string, location: string): string {
  const pkg = /^([A-Za-z_][\w.]*):(.+)$/.exec(location);
  if (pkg) {
    const rel = `${pkg[1]!.replace(/\./g, "/")}/${pkg[2]!}`;
    const all = [...ctx.project.pythonFiles, ...ctx.project.otherFiles].map((f) => f.path);
    const hit = all.find((p) => p.startsWith(`${rel}/`) || p.includes(`/${rel}/`));
    if (hit) return hit.slice(0, hit.indexOf(`${rel}/`) + rel.length);
    return rel;
  }
  if (/^(\/|[A-Za-z]:[\\/])/.test(location)) return absoluteLocation(ctx, base, location) ?? joinRel(base, location);
  return joinRel(base, location);
}

/**
 * An absolute `script_location` names a folder on the machine that runs Alembic, usually a container
 * (`/app/ee/databases/postgres/migrations/core` for the repo's `api/ee/...`): the project folder holding an env.py
 * whose path ends with the longest tail of it, the config's own folder first.
 */
function absoluteLocation(ctx: Pick<AuditContext, "project">, base: string, location: string): string | null {
  const segments = location.replace(/\\/g, "/").replace(/^[A-Za-z]:/, "").split("/").filter((s) => s !== "" && s !== ".");
  const envDirs = ctx.project.pythonFiles.filter((f) => f.path === "env.py" || f.path.endsWith("/env.py")).map((f) => dirOf(f.path));
  const endsWith = (dir: string, tail: string) => dir === tail || dir.endsWith(`/${tail}`);
  for (let i = 0; i < segments.length; i++) {
    const tail = segments.slice(i).join("/");
    if (envDirs.includes(base) && endsWith(base, tail)) return base;
    const hit = envDirs.find((d) => endsWith(d, tail));
    if (hit !== undefined) return hit;
  }
  return null;
}

function revisionFiles(modules: ModuleInfo[], dirs: string[], recursive: boolean): ModuleInfo[] {
  return modules.filter((m) => {
    const dir = dirOf(m.file.path);
    const inside = dirs.some((d) => dir === d || (recursive && dir.startsWith(`${d}/`)));
    return inside && m.definitions.has("revision") && m.definitions.has("down_revision");
  });
}
