import { describe, expect, it } from "vitest";
import { classifyFile, isAuditFile } from "../../src/files/classify.js";
import { formatBytes } from "../../src/files/read-file.js";

describe("classifyFile", () => {
  it("sends .py files to the parser and nothing else", () => {
    expect(classifyFile("main.py")).toBe("python");
    expect(classifyFile("types.pyi")).toBeNull();
    expect(classifyFile("main.pyc")).toBeNull();
  });

  it("keeps the files the checklist audit reads", () => {
    const read = [
      "Dockerfile",
      "dockerfile",
      "Dockerfile.prod",
      "api.Dockerfile",
      "worker.dockerfile",
      "Dockerfile-dev",
      "Dockerfile_app",
      "Containerfile",
      "alembic.ini",
      "alembic.ini.example",
      "halfstack.alembic.ini",
      "alembic.dev.ini",
      "alembic-test.ini",
      "pyproject.toml",
      "setup.cfg",
      ".gitignore",
      "logging.yaml",
      "logging.yml",
      "log_config.json",
      "gunicorn-logging.conf",
      "logging.ini",
      "LOGGING.CFG",
    ];
    expect(read.filter((name) => !isAuditFile(name))).toEqual([]);
    expect(read.map(classifyFile).every((kind) => kind === "other")).toBe(true);
  });

  it("leaves out look-alikes", () => {
    const notRead = [
      "Dockerfile.dockerignore",
      ".dockerignore",
      "my-dockerfile-notes.md",
      "dockerfile_pytest_app_entrypoint.sh",
      "dockerfile-CZqqYdch.js",
      "config.yaml",
      "app.log",
      "logging.py.txt",
      "requirements.txt",
      "setup.py.cfg.bak",
      "Alembic.ini",
      "alembicx.ini",
      "alembic.ini.bak",
      "pyvenv.cfg",
    ];
    expect(notRead.filter((name) => isAuditFile(name))).toEqual([]);
  });
});

describe("formatBytes", () => {
  it("says sizes as a user reads them", () => {
    expect(formatBytes(1024 * 1024)).toBe("1 MiB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5 MiB");
    expect(formatBytes(512 * 1024)).toBe("512 KiB");
    expect(formatBytes(1000)).toBe("1000 bytes");
  });
});
