import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Connected } from "./helpers.js";

const personaFile = new URL("../../personas/fastapi-pro.md", import.meta.url);

let conn: Connected;
beforeAll(async () => {
  conn = await connect();
});
afterAll(async () => {
  await conn.close();
});

function promptText(result: { messages: { role: string; content: { type: string; text?: string } }[] }): string {
  expect(result.messages).toHaveLength(1);
  const [message] = result.messages;
  expect(message?.role).toBe("user");
  expect(message?.content.type).toBe("text");
  return message?.content.text ?? "";
}

describe("prompts", () => {
  it("offers one prompt per persona, named after it, with an optional task", async () => {
    const { prompts } = await conn.client.listPrompts();
    expect(prompts).toEqual([
      {
        name: "fastapi-pro",
        title: "FastAPI Pro",
        description: "Master FastAPI developer for high-performance async APIs and Pydantic V2.",
        arguments: [
          {
            name: "task",
            description: 'What you want done, e.g. "review app/api/users.py"; omit to load the persona alone',
            required: false,
          },
        ],
      },
    ]);
  });

  it("carries the persona's guidance without front matter or runtime markers", async () => {
    const text = promptText(await conn.client.getPrompt({ name: "fastapi-pro" }));
    expect(text.startsWith("---")).toBe(false);
    expect(text).not.toContain("allowed-tools");
    expect(text).not.toContain("triggers:");
    expect(text).not.toMatch(/\/\/ (turbo-all|parallel|end-parallel)/);
    expect(text).toContain("You are a FastAPI expert specializing in high-performance async APIs");
    expect(text).toContain("- [ ] Dockerfile optimized (multi-stage)");
    expect(text).not.toContain("Act as the persona above");
  });

  it("appends the task when given", async () => {
    const text = promptText(
      await conn.client.getPrompt({ name: "fastapi-pro", arguments: { task: "  Review app/api/users.py  " } }),
    );
    expect(text).toContain("You are a FastAPI expert");
    expect(text.endsWith("\n\n---\n\nAct as the persona above for this task:\n\nReview app/api/users.py")).toBe(true);
  });
});

describe("resources", () => {
  it("lists persona://fastapi-pro as markdown and the persona://{name} template", async () => {
    const { resources } = await conn.client.listResources();
    expect(resources).toEqual([
      {
        uri: "persona://fastapi-pro",
        name: "fastapi-pro",
        title: "FastAPI Pro",
        description: "Master FastAPI developer for high-performance async APIs and Pydantic V2.",
        mimeType: "text/markdown",
      },
    ]);
    const { resourceTemplates } = await conn.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      {
        name: "persona",
        uriTemplate: "persona://{name}",
        title: "Persona file",
        description: "A persona's markdown file, front matter included; {name} as listed by list_personas",
        mimeType: "text/markdown",
      },
    ]);
  });

  it("reads persona://fastapi-pro as the persona file, byte for byte", async () => {
    const result = await conn.client.readResource({ uri: "persona://fastapi-pro" });
    expect(result.contents).toEqual([
      { uri: "persona://fastapi-pro", mimeType: "text/markdown", text: await readFile(personaFile, "utf8") },
    ]);
  });

  it("refuses an unknown persona URI, naming the personas that exist", async () => {
    await expect(conn.client.readResource({ uri: "persona://nope" })).rejects.toThrow(
      /unknown persona "nope"; available personas: fastapi-pro/,
    );
  });

  it("completes the template's name", async () => {
    const complete = (value: string) =>
      conn.client.complete({
        ref: { type: "ref/resource", uri: "persona://{name}" },
        argument: { name: "name", value },
      });
    expect((await complete("fa")).completion.values).toEqual(["fastapi-pro"]);
    expect((await complete("FAST")).completion.values).toEqual(["fastapi-pro"]);
    expect((await complete("")).completion.values).toEqual(["fastapi-pro"]);
    expect((await complete("dj")).completion.values).toEqual([]);
  });
});
