"""Open data: a Frictionless Data Package that validates, whose counts match the database,
served by the bot's web server (with 304s) and written by `python -m bot publish`; and a
pact full of personal data of which not one byte is published."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
from frictionless import Package

from bot.web import web_app
from tests.conftest import OWNER_ID
from tests.flows import endorse, log_progress, open_campaign, record_intention, register
from tests.harness import Harness, Person
from tests.test_config_cli import ROOT
from tests.test_sessions import schedule

TEAM = Person(OWNER_ID, "en")
# What must never be published: contacts' Telegram ids and names, an author's name and
# paragraph they kept to themselves, an organisation that did not agree.
SECRETS = ("987654321", "987654322", "987654323", "Zoë Privé", "Geheime Naam",
           "Mijn verborgen paragraaf", "Vzw Zegt Nee", "Vzw Nooit Gevraagd",
           "Stille plannen", "Niemand weet dit")  # fmt: skip


async def _pact(h: Harness) -> None:
    agreed = Person(987654321, "nl", "Zoë Privé")
    declined = Person(987654322, "nl", "Zoë Privé")
    unasked = Person(987654323, "nl", "Zoë Privé")
    await register(h, agreed, "Vzw Open Boek")
    await record_intention(h, agreed, "Taalcafé in de buurt")
    await h.tap(agreed, "org:public:yes")
    found = await h.application.services.db.fetchval("SELECT max(id) FROM intention")
    await log_progress(h, agreed, int(found), "Vier sessies gehouden.", "4")
    await register(h, declined, "Vzw Zegt Nee")
    await record_intention(h, declined, "Stille plannen")
    await h.tap(declined, "org:public:no")
    await register(h, unasked, "Vzw Nooit Gevraagd")
    await record_intention(h, unasked, "Niemand weet dit")  # asked, and not answered
    await schedule(h, "01/12/2026 14:30")
    campaign = await open_campaign(h, TEAM)
    await endorse(
        h, agreed, campaign, "Omdat het werkt.", ("name", "paragraph"), True, name="Jan Open"
    )
    await endorse(
        h,
        Person(987654330, "nl", "X"),
        campaign,
        "Mijn verborgen paragraaf",
        (),
        name="Geheime Naam",
    )
    for row in await h.application.services.db.fetchall(
        "SELECT id FROM endorsement WHERE state = 'submitted'"
    ):
        await h.application.services.campaigns.decide(OWNER_ID, int(row[0]), approve=True)
    h.clock.current = dt.datetime(2026, 12, 11, 9, 0, tzinfo=dt.UTC)
    await h.application.services.campaigns.publish(OWNER_ID, campaign, "De Standaard")


async def test_the_package_validates_matches_the_database_and_holds_no_personal_data(
    harness: Harness, tmp_path: Path
) -> None:
    await _pact(harness)
    app = harness.application
    transport = httpx.ASGITransport(app=web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://pact") as client:
        listing = (await client.get("/opendata/")).text.split()
        assert "datapackage.json" in listing and "intentions.csv" in listing
        folder = tmp_path / "opendata"
        folder.mkdir()
        served: dict[str, bytes] = {}
        for name in listing:
            answer = await client.get(f"/opendata/{name}")
            assert answer.status_code == 200, name
            assert answer.headers["x-content-type-options"] == "nosniff"
            served[name] = answer.content
            (folder / name).write_bytes(answer.content)
        again = await client.get(
            "/opendata/intentions.csv", headers={"if-none-match": answer.headers["etag"]}
        )
        assert again.status_code in (200, 304)
        etag = (await client.get("/opendata/intentions.csv")).headers["etag"]
        cached = await client.get("/opendata/intentions.csv", headers={"if-none-match": etag})
        assert cached.status_code == 304 and cached.content == b""
        assert (await client.get("/opendata/passwords.csv")).status_code == 404
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(served["datapackage.json"])
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    db = app.services.db
    counts = {
        "organisations": "SELECT count(*) FROM organisation WHERE public = 1",
        "intentions": "SELECT count(*) FROM intention i JOIN organisation o"
        " ON o.id = i.organisation_id WHERE o.public = 1",
        "progress": "SELECT count(*) FROM progress p JOIN intention i ON i.id = p.intention_id"
        " JOIN organisation o ON o.id = i.organisation_id WHERE o.public = 1",
        "sessions": "SELECT count(*) FROM session WHERE state = 'scheduled'",
        "sectors": "SELECT count(*) FROM sector",
    }
    for name, sql in counts.items():
        rows = json.loads(served[f"{name}.json"])
        assert len(rows) == await db.fetchval(sql), name
        assert served[f"{name}.csv"].count(b"\r\n") == len(rows) + 1, name
    assert [r["name"] for r in json.loads(served["organisations.json"])] == ["Vzw Open Boek"]
    endorsements = json.loads(served["endorsements.json"])
    assert [(e["name"], e["paragraph"]) for e in endorsements] == [("Jan Open", "Omdat het werkt.")]
    everything = b"".join(served.values())
    for secret in SECRETS:
        assert secret.encode() not in everything, secret


def test_publish_writes_the_same_files_for_a_static_host(tmp_path: Path) -> None:
    database = tmp_path / "pact.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "BOT_"))},
        "BOT_TOKEN": "1:x",
        "DATABASE_PATH": str(database),
        "PYTHONPATH": str(ROOT),
        "OPEN_DATA_LICENSE": "ODbL-1.0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "publish", str(tmp_path / "site")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "site" / "opendata"
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "ODbL-1.0"
    assert not list(folder.glob(".*partial"))
    site = tmp_path / "site"
    assert (site / "index.html").exists() and (site / "nl" / "commitments" / "index.html").exists()
