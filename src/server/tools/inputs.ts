import { z } from "zod";

/** Largest inline `code` or file `content` accepted, in characters: more than any real source file. */
export const MAX_INLINE_CHARS = 2 * 1024 * 1024;
export const MAX_INLINE_FILES = 5_000;

/** The three ways to name code, shared by the tools that read it (exactly one must be given). */
export const sourceInputShape = {
  path: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe(
      "A Python file or project folder to analyse, absolute or relative to the first allowed root. Folders are walked for *.py, honouring .gitignore and skipping virtualenvs, node_modules, tool caches and build output",
    ),
  files: z
    .array(
      z.object({
        path: z.string().min(1).max(4096).describe("The file's path as it should be reported, e.g. app/main.py"),
        content: z.string().max(MAX_INLINE_CHARS).describe("The file's full text"),
      }),
    )
    .min(1)
    .max(MAX_INLINE_FILES)
    .optional()
    .describe("Files given inline instead of read from disk, e.g. unsaved editor buffers or generated code"),
  code: z
    .string()
    .max(MAX_INLINE_CHARS)
    .optional()
    .describe("One Python snippet, analysed as snippet.py"),
};

export const personaInput = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('Persona whose rules apply (default "fastapi-pro"); see list_personas');

export const DEFAULT_PERSONA = "fastapi-pro";
