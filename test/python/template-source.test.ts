import { describe, expect, it } from "vitest";
import { blankTemplateTags, looksLikeTemplate } from "../../src/python/template-source.js";
import { scanFiles } from "../rules/helpers.js";

const TEMPLATE = `from fastapi import FastAPI
{% if cookiecutter.use_cors == "y" %}
from fastapi.middleware.cors import CORSMiddleware
{% endif %}
from {{cookiecutter.project_slug}}.settings import settings

app = FastAPI(
    title="{{ cookiecutter.project_name }}",
    {%- if cookiecutter.use_docs == "n" %}
    docs_url=None,
    {%- endif %}
)


@app.get("/items")
async def items():
    return {"name": "{{ cookiecutter.project_name }}"}
`;

describe("Jinja template sources", () => {
  it("recognises template files and leaves plain Python alone", () => {
    expect(looksLikeTemplate(TEMPLATE)).toBe(true);
    expect(looksLikeTemplate('x = f"{{literal}}"\ny = "{% not a tag line %}"\n')).toBe(false);
    // An expression where Python needs a name marks a template too, with no tag line at all.
    expect(looksLikeTemplate('"""The `{{ cookiecutter.prefix }}Slider` field."""\n\nclass {{ cookiecutter.prefix }}Slider(BaseField):\n    pass\n')).toBe(true);
    expect(looksLikeTemplate("{{ cookiecutter.app }}_router = APIRouter()\n")).toBe(true);
  });

  it("blanks tags without moving any line or column", () => {
    const out = blankTemplateTags(TEMPLATE);
    expect(out.length).toBe(TEMPLATE.length);
    expect(out.split("\n").map((l) => l.length)).toEqual(TEMPLATE.split("\n").map((l) => l.length));
    expect(out.split("\n")[1]!.trim()).toBe("");
    expect(out.split("\n")[4]).toBe(`from ${"_".repeat("{{cookiecutter.project_slug}}".length)}.settings import settings`);
  });

  it("keeps expressions inside strings, so a secret rendered into the code is reported", async () => {
    const settings = '{% if cookiecutter.use_auth == "y" %}\nSECRET_KEY = "{{ cookiecutter.secret_key }}"  # rendered\n{% endif %}\nNAME = \'{{ cookiecutter.project_name }}\'\n';
    const out = blankTemplateTags(settings).split("\n");
    expect(out[1]).toBe('SECRET_KEY = "{{ cookiecutter.secret_key }}"  # rendered');
    expect(out[3]).toBe("NAME = '{{ cookiecutter.project_name }}'");
    const result = await scanFiles({ "{{cookiecutter.project_slug}}/app/settings.py": settings }, { select: ["FAPI003"] });
    expect(result.findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual(["2:14 FAPI003"]);
  });

  it("lets the scan analyse a template as Python, reporting on the template's own lines", async () => {
    const result = await scanFiles({ "{{cookiecutter.project_slug}}/app/main.py": TEMPLATE }, { select: ["FAPI004"] });
    expect(result.summary.parseErrors).toEqual([]);
    expect(result.findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual(["16:1 FAPI004"]);
  });
});
