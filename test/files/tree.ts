import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** A file tree spec: a string or bytes is a file, `{ link: target }` a symlink, an object a folder. */
export type Tree = { [name: string]: string | Uint8Array | { link: string } | Tree };

export async function writeTree(dir: string, tree: Tree): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const target = path.join(dir, name);
    if (typeof value === "string" || value instanceof Uint8Array) await writeFile(target, value);
    else if ("link" in value && typeof value.link === "string") await symlink(value.link, target);
    else await writeTree(target, value as Tree);
  }
}

/** A fresh temp folder (real path, so macOS /var -> /private/var does not matter) removed by the returned cleanup. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), "persona-mcp-files-")));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
