import { readFileSync } from "node:fs";

let cached: string | undefined;

/**
 * The package version from package.json. Read at run time because package.json sits outside `rootDir`;
 * this file is two levels below the package root both as `src/server/version.ts` and `dist/server/version.js`.
 */
export function packageVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    cached = typeof pkg.version === "string" ? pkg.version : "0.0.0";
  }
  return cached;
}
