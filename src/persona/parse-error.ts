/**
 * A persona file that cannot be turned into a Persona. The message names the file and the section so the
 * author can go straight to the spot; `detail` holds the message without that prefix.
 */
export class PersonaParseError extends Error {
  override readonly name = "PersonaParseError";
  readonly file: string;
  readonly section: string;
  readonly detail: string;

  constructor(file: string, section: string, detail: string) {
    super(`${file}: section "${section}": ${detail}`);
    this.file = file;
    this.section = section;
    this.detail = detail;
  }
}

/** Section name used for everything between the `---` lines. */
export const FRONT_MATTER = "front matter";
