/**
 * An error the user can act on: bad input, a path outside the allowed roots, an unknown persona or rule.
 * MCP tool handlers let it propagate (the SDK turns it into `isError: true`); the CLI prints it and exits 2.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  constructor(message: string) {
    super(message);
  }
}
