import path from "node:path";
import { DockerfileParser, type Dockerfile } from "dockerfile-ast";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import type { LoadedProject, SourceFile } from "../files/types.js";
import { isAlembicIniName, isDockerfileName } from "../files/classify.js";
import { parseIni, type IniFile } from "./ini.js";
import { flattenTemplateTags } from "../python/template-source.js";

/** A non-Python file the audit reads, parsed by a maintained parser (or the configparser-faithful INI reader). */
export interface ParsedDockerfile {
  file: SourceFile;
  dockerfile: Dockerfile;
}

export interface ParsedIni {
  file: SourceFile;
  ini: IniFile;
}

export interface ParsedPyproject {
  file: SourceFile;
  data: Record<string, unknown>;
}

export interface ParsedLoggingConfig {
  file: SourceFile;
  format: "yaml" | "json" | "ini";
  /** YAML/JSON: the document; INI: the parsed sections. */
  data: unknown;
}

export interface ConfigFiles {
  dockerfiles: ParsedDockerfile[];
  alembicInis: ParsedIni[];
  pyprojects: ParsedPyproject[];
  loggingConfigs: ParsedLoggingConfig[];
  /** Files that could not be parsed, with why; they are left out of the lists above. */
  parseErrors: { file: string; message: string }[];
}

export function baseName(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** The folder of a project-relative path ("" at the root). */
export function dirOf(p: string): string {
  const slash = p.lastIndexOf("/");
  return slash === -1 ? "" : p.slice(0, slash);
}

/** Joins and normalises project-relative paths with `/`; a result starting with `../` is outside the project. */
export function joinRel(dir: string, rel: string): string {
  const joined = path.posix.normalize(dir === "" ? rel : `${dir}/${rel}`);
  return joined === "." ? "" : joined.replace(/\/$/, "");
}

/** A logging configuration file: a config extension and "log" in the name (`logging.yaml`, `log_conf.json`). */
export function loggingConfigFormat(name: string): "yaml" | "json" | "ini" | null {
  const lower = name.toLowerCase();
  if (!lower.includes("log")) return null;
  if (/\.ya?ml$/.test(lower)) return "yaml";
  if (lower.endsWith(".json")) return "json";
  if (/\.(ini|conf|cfg)$/.test(lower)) return "ini";
  return null;
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}

/** Parses each non-Python file the checklist reads, once; a file that does not parse is listed, not fatal. */
export function parseConfigFiles(project: LoadedProject): ConfigFiles {
  const out: ConfigFiles = { dockerfiles: [], alembicInis: [], pyprojects: [], loggingConfigs: [], parseErrors: [] };
  for (const file of project.otherFiles) {
    const name = baseName(file.path);
    try {
      if (isDockerfileName(name)) {
        out.dockerfiles.push({ file, dockerfile: DockerfileParser.parse(flattenTemplateTags(file.content)) });
      } else if (isAlembicIniName(name)) {
        const ini = parseIni(file.content);
        const first = ini.errors[0];
        if (first) out.parseErrors.push({ file: file.path, message: `line ${first.line}: ${first.message}${ini.errors.length > 1 ? ` (and ${ini.errors.length - 1} more)` : ""}; the rest was read` });
        out.alembicInis.push({ file, ini });
      } else if (name === "pyproject.toml") {
        out.pyprojects.push({ file, data: parseToml(file.content) as Record<string, unknown> });
      } else {
        const format = loggingConfigFormat(name);
        if (format === "yaml") out.loggingConfigs.push({ file, format, data: parseYaml(file.content) as unknown });
        else if (format === "json") out.loggingConfigs.push({ file, format, data: JSON.parse(file.content) as unknown });
        else if (format === "ini") out.loggingConfigs.push({ file, format, data: parseIni(file.content) });
      }
    } catch (err) {
      out.parseErrors.push({ file: file.path, message: `cannot parse: ${message(err)}` });
    }
  }
  return out;
}
