import { describe, expect, it } from "vitest";
import { places, scanFiles } from "./helpers.js";

// Cases the single-file fixture cannot express: other modules, test paths.
describe("FAPI001 global-state across files", () => {
  it("does not report a container that only another module mutates", async () => {
    const result = await scanFiles(
      {
        "app/state.py": "cache = {}\n",
        "app/routes.py": "from app.state import cache\n\n\ndef remember(key, value):\n    cache[key] = value\n",
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual([]);
  });

  it("treats a registry filled through a setup function that main.py calls at module level as initialisation", async () => {
    const logging = "_patchers = []\n\n\ndef register_log_patcher(fn):\n    _patchers.append(fn)\n";
    const otel = "from app.logging import register_log_patcher\n\n\ndef _inject(record):\n    return record\n\n\ndef setup_otlp(app):\n    register_log_patcher(_inject)\n";
    const main = "from fastapi import FastAPI\n\nfrom app.otel import setup_otlp\n\napp = FastAPI()\nsetup_otlp(app)\n";
    const quiet = await scanFiles({ "app/logging.py": logging, "app/otel.py": otel, "app/main.py": main }, { select: ["FAPI001"] });
    expect(places(quiet)).toEqual([]);
    // Called from a route instead, the setup runs per request and the registry grows with each one.
    const route = `${main}\n\n@app.post("/reconfigure")\nasync def reconfigure():\n    setup_otlp(app)\n`;
    const loud = await scanFiles({ "app/logging.py": logging, "app/otel.py": otel, "app/main.py": route }, { select: ["FAPI001"] });
    expect(places(loud)).toEqual(["app/logging.py:1 FAPI001"]);
  });

  it("reports a session opened at import time from a factory defined in another module", async () => {
    const result = await scanFiles(
      {
        "app/db.py": "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker(bind=create_engine('sqlite://'))\n",
        "app/crud.py": "from app.db import SessionLocal\n\ndb = SessionLocal()\n",
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual(["app/crud.py:3 FAPI001"]);
  });

  it("skips command-line scripts nothing imports, but not a script the app imports or one that serves routes", async () => {
    const script = "import sqlite3\nimport sys\n\nseen = {}\nconn = sqlite3.connect('app.db')\n\n\ndef mark(k):\n    seen[k] = 1\n\n\nsys.exit(0)\n";
    const result = await scanFiles(
      {
        "tools/backfill.py": script,
        "app/cli.py": "#!/usr/bin/env python\n" + script,
        "scripts/shared.py": script,
        "app/main.py": "from scripts import shared\n",
        "scripts/serve.py": "from fastapi import FastAPI\n\napp = FastAPI()\n" + script,
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual([
      "scripts/serve.py:7 FAPI001",
      "scripts/serve.py:8 FAPI001",
      "scripts/shared.py:4 FAPI001",
      "scripts/shared.py:5 FAPI001",
    ]);
  });

  it("counts command folders (commands/, cli/, Django's management/) as scripts, unless a server module imports them", async () => {
    const shell = "from sqlalchemy.orm import Session\n\nfrom app.db import engine\n\nsession = Session(engine)\n";
    const handler = "seen = {}\n\n\nasync def start(update):\n    seen[update.id] = update\n";
    const result = await scanFiles(
      {
        "app/db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('sqlite://')\n",
        "commands/shell.py": shell,
        "app/cli/seed.py": handler,
        "app/management/commands/backfill.py": handler,
        "bot/commands/start.py": handler,
        "bot/main.py": "from bot.commands import start\n\napp.run_polling()\n",
        // An aiohttp server the CLI starts is no script, though a `__main__` block can start it too.
        "svc/cli/start_server.py": "from svc import server\n\nserver.main()\n",
        "svc/server.py":
          "import sys\n\nfrom aiohttp import web\n\n_monitor = None\nrunner = print\n\n\ndef main():\n    global _monitor\n    _monitor = object()\n    runner(web.Application())\n\n\nif __name__ == '__main__':\n    sys.exit(main())\n",
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual(["bot/commands/start.py:1 FAPI001", "svc/server.py:10 FAPI001"]);
  });

  it("tells a script from the app's module of the same name by what the imports name", async () => {
    // The probe is a `global` statement: reported wherever it runs, unless its module is a script.
    const script = "import sys\n\nlast = None\n\n\ndef mark(k):\n    global last\n    last = k\n\n\ndef main():\n    mark(sys.argv[1])\n\n\nif __name__ == '__main__':\n    main()\n";
    const files: Record<string, string> = { "scripts/db.py": script, "app/core/db.py": "engines = {}\n\n\ndef engine_for(url):\n    engines[url] = url\n" };
    // Many app modules import `db`, the app's own: the word is everywhere, the script is imported by none.
    for (let i = 0; i < 12; i++) files[`app/api/r${i}.py`] = "from app.core import db\n";
    expect(places(await scanFiles(files, { select: ["FAPI001"] }))).toEqual(["app/core/db.py:1 FAPI001"]);
    // Imported by the app, the script's module is server code.
    files["app/main.py"] = "import scripts.db\n";
    expect(places(await scanFiles(files, { select: ["FAPI001"] }))).toEqual(["app/core/db.py:1 FAPI001", "scripts/db.py:7 FAPI001"]);
  });

  it("keeps a module that starts a server or a bot, though it reads like a script", async () => {
    const chat = "#!/usr/bin/env python3\nfrom nicegui import ui\n\nmessages = []\n\n\n@ui.page('/')\ndef index():\n    ui.button('send', on_click=lambda: send('hi'))\n\n\ndef send(text):\n    messages.append(text)\n\n\nif __name__ in {'__main__', '__mp_main__'}:\n    ui.run()\n";
    const gradio = "import gradio as gr\n\nscores = []\n\n\ndef track(score):\n    scores.append(score)\n    return scores\n\n\ndemo = gr.Interface(track, 'number', 'json')\n\nif __name__ == '__main__':\n    demo.launch()\n";
    const cli = "import asyncio\n\nseen = []\n\n\nasync def main():\n    seen.append(1)\n\n\nif __name__ == '__main__':\n    asyncio.run(main())\n";
    const chainlit = "import chainlit as cl\n\nsessions = {}\n\n\n@cl.on_message\nasync def on_message(message):\n    sessions[message.id] = message\n\n\nif __name__ == '__main__':\n    from chainlit.cli import run_chainlit\n\n    run_chainlit(__file__)\n";
    const slack = "from slack_bolt import App\nfrom slack_bolt.adapter.socket_mode import SocketModeHandler\n\napp = App()\nactive = {}\n\n\n@app.event('message')\ndef on_message(event):\n    active[event['user']] = event\n\n\nif __name__ == '__main__':\n    SocketModeHandler(app).start()\n";
    const flask = "#!/usr/bin/env python\nfrom flask import Flask\n\napp = Flask(__name__)\nhits = {}\n\n\ndef count(page):\n    hits[page] = hits.get(page, 0) + 1\n\n\nif __name__ == '__main__':\n    app.run()\n";
    const telegram = "from telegram.ext import Application\n\nchats = []\n\n\nasync def on_start(update, context):\n    chats.append(update.effective_chat.id)\n\n\nif __name__ == '__main__':\n    Application.builder().token(TOKEN).build().run_polling()\n";
    const result = await scanFiles(
      {
        "examples/chat/main.py": chat,
        "demo/scores/run.py": gradio,
        "tools/job.py": cli,
        "playground/ui/app.py": chainlit,
        "bots/slack.py": slack,
        "bots/telegram.py": telegram,
        "tools/flask_app.py": flask,
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual([
      "bots/slack.py:5 FAPI001",
      "bots/telegram.py:3 FAPI001",
      "demo/scores/run.py:3 FAPI001",
      "examples/chat/main.py:4 FAPI001",
      "playground/ui/app.py:3 FAPI001",
      "tools/flask_app.py:5 FAPI001",
    ]);
  });

  it("skips batch jobs with a module-level loop and scripts only other scripts import, unless the server imports them or they wire an app", async () => {
    const job =
      "import glob\n\nlast = None\n\n\ndef handle(path):\n    global last\n    last = path\n\n\ndef handle_all(paths):\n    for p in paths:\n        handle(p)\n\n\nfor batch in [glob.glob('*.log')]:\n    handle_all(batch)\n";
    const result = await scanFiles(
      {
        "analysis/count_votes.py": job,
        "train/loop.py": "local_rank = None\n\n\ndef train():\n    global local_rank\n    local_rank = 0\n\n\nif __name__ == '__main__':\n    train()\n",
        "train/train_mem.py": "from train.loop import train\n\nif __name__ == '__main__':\n    train()\n",
        "app/indexer.py": job,
        "app/main.py": "from app import indexer\n",
        "app/wiring.py": "from app.routers import routers\n\n" + job + "for r in routers:\n    app.include_router(r)\n",
      },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual(["app/indexer.py:7 FAPI001", "app/wiring.py:9 FAPI001"]);
  });

  it("counts a loop inside a module-level try or with block as a batch job", async () => {
    const migrate =
      "import sqlite3\n\nconn = sqlite3.connect('meta.db')\n\n\ndef copy(table):\n    conn.execute(f'SELECT * FROM {table}')\n\n\ntry:\n    for table in ['a', 'b']:\n        copy(table)\nfinally:\n    conn.close()\n";
    const wrapped = "import sqlite3\n\nconn = sqlite3.connect('meta.db')\n\ntry:\n    setup()\nfinally:\n    log('ready')\n";
    const withBlock = "import sqlite3\n\nconn = sqlite3.connect('rows.db')\n\nwith open('rows.txt') as rows:\n    for row in rows:\n        conn.execute('INSERT INTO rows VALUES (?)', (row,))\n";
    const result = await scanFiles(
      { "docker/examples/migrate_meta.py": migrate, "jobs/dedupe_rows.py": withBlock, "app/db.py": wrapped },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual(["app/db.py:3 FAPI001"]);
  });

  it("spares a connection the module closes itself at import, unless it serves requests first", async () => {
    const job = "import psycopg2\n\nconn = psycopg2.connect('dbname=postgres')\ncur = conn.cursor()\ncur.execute('DROP DATABASE app')\ncur.close()\nconn.close()\n";
    const server = "import sqlite3\nimport uvicorn\nfrom app.main import app\n\nconn = sqlite3.connect('app.db')\ntry:\n    uvicorn.run(app)\nfinally:\n    conn.close()\n";
    const closedInFunction = "import sqlite3\n\nconn = sqlite3.connect('app.db')\n\n\ndef shutdown():\n    conn.close()\n";
    const result = await scanFiles({ "reset_db.py": job, "serve.py": server, "app/db.py": closedInFunction }, { select: ["FAPI001"] });
    expect(places(result)).toEqual(["app/db.py:3 FAPI001", "serve.py:5 FAPI001"]);
  });

  it("names the function and the globals in its messages, on one line", async () => {
    const source = "_a = None\n_b = None\n_seen = []\n\n\ndef init():\n    global \\\n        _a, \\\n        _b\n    _a = _b = 1\n\n\ndef track(x):\n    _seen.append(x)\n";
    const result = await scanFiles({ "app/state.py": source }, { select: ["FAPI001"] });
    expect(result.findings.map((f) => f.message)).toEqual([
      "Module-level container `_seen` is mutated at run time (`.append()` in `track()`): one copy per worker process, shared by every request on it",
      "`global _a, _b` in `init()` rebinds module globals `_a`, `_b`: one value per worker process, shared by every request on it",
    ]);
  });

  it("does not check test code", async () => {
    const source = "import sqlite3\n\ncalls = []\nconn = sqlite3.connect(':memory:')\n\n\ndef fake_send(x):\n    global conn\n    calls.append(x)\n";
    const result = await scanFiles(
      { "tests/test_mail.py": source, "app/conftest.py": source, "app/mail_test.py": source, "app/mail.py": source },
      { select: ["FAPI001"] },
    );
    expect(places(result)).toEqual(["app/mail.py:3 FAPI001", "app/mail.py:4 FAPI001", "app/mail.py:8 FAPI001"]);
  });
});
