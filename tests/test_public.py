"""The public pages through the ASGI app: the figures, the commitments of organisations
that agreed (filtered by links), each one's history, the published opinions, three
languages, 304s, 404s in the page's style, safe headers, and no personal data anywhere."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx

from bot.web import web_app
from tests.harness import Harness
from tests.test_opendata import SECRETS, _pact


async def _pages(h: Harness) -> dict[str, httpx.Response]:
    transport = httpx.ASGITransport(app=web_app(h.application))
    found: dict[str, httpx.Response] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://pact") as client:
        for path in (
            "/",
            "/?lang=fr",
            "/?lang=en",
            "/commitments?lang=en",
            "/commitments?lang=en&lever=agency",
            "/commitments?lang=en&lever=rights",
            "/commitments?lang=en&sector=x&lever=%00&status=%3Cb%3E&page=-1",
            "/opinions?lang=nl",
            "/commitments/999999?lang=en",
            "/nowhere",
            "/static/style.css",
        ):
            found[path] = await client.get(path, headers={"accept-language": "fr-BE,fr;q=0.9"})
        first = re.search(r'href="/commitments/(\d+)\?lang=en"', found["/commitments?lang=en"].text)
        assert first is not None
        found["detail"] = await client.get(f"/commitments/{first.group(1)}?lang=en")
        etag = found["/"].headers["etag"]
        found["again"] = await client.get(
            "/", headers={"if-none-match": etag, "accept-language": "fr-BE,fr;q=0.9"}
        )
    return found


async def test_the_public_pages_show_what_may_be_published_and_nothing_else(
    harness: Harness,
) -> None:
    await _pact(harness)
    pages = await _pages(harness)
    glance = pages["/"]
    assert glance.status_code == 200 and '<html lang="fr">' in glance.text  # Accept-Language
    assert "Le pacte en un coup d'œil" in html.unescape(glance.text)
    assert '<html lang="en">' in pages["/?lang=en"].text
    assert "Taalcafé in de buurt" in pages["/?lang=en"].text  # changed in the last 30 days
    listing = pages["/commitments?lang=en"].text
    assert "Taalcafé in de buurt" in listing and "Vzw Open Boek" in listing
    assert "Jobs found (people)" in listing and "40%" in listing
    assert "Taalcafé in de buurt" in pages["/commitments?lang=en&lever=agency"].text
    assert "Taalcafé" not in pages["/commitments?lang=en&lever=rights"].text
    malformed = pages["/commitments?lang=en&sector=x&lever=%00&status=%3Cb%3E&page=-1"]
    assert malformed.status_code == 200 and "Taalcafé in de buurt" in malformed.text
    detail = pages["detail"]
    assert (
        "Vier sessies gehouden." in detail.text and "<h1>Taalcafé in de buurt</h1>" in detail.text
    )
    opinions = pages["/opinions?lang=nl"].text
    assert "Samen sterker" in opinions and "Omdat het werkt." in opinions and "Jan Open" in opinions
    assert pages["/commitments/999999?lang=en"].status_code == 404
    missing = pages["/nowhere"]
    assert missing.status_code == 404 and "<main" in missing.text  # in the page's style
    assert pages["again"].status_code == 304
    for path, answer in pages.items():
        if answer.status_code in (200, 404) and path != "/static/style.css":
            csp = answer.headers["content-security-policy"]
            assert "script-src" not in csp and "default-src 'none'" in csp, path
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert "<script" not in answer.text, path
            assert len(answer.content) < 60_000, path
            for secret in SECRETS:
                assert secret not in answer.text, (path, secret)
    # The language switch keeps the page and the filters.
    assert (
        'href="/commitments?lever=agency&amp;lang=fr"'
        in pages["/commitments?lang=en&lever=agency"].text
    )


async def test_the_team_and_the_digest_point_to_the_public_page(tmp_path: Path) -> None:
    from tests.conftest import OWNER_ID
    from tests.flows import follow_weekly
    from tests.harness import FakeClock, Person, texts
    from tests.test_digests import MONDAY, pact_week, sweep

    env = {"ADMIN_IDS": str(OWNER_ID), "WEB_PORT": "8080", "PUBLIC_URL": "https://pact.example.be"}
    h = Harness(tmp_path / "pact.sqlite3", FakeClock(), env)
    await h.start()
    try:
        team = Person(OWNER_ID, "en")
        assert (
            "The public page is on: https://pact.example.be"
            in texts(await h.send(team, "/admin"))[0]
        )
        reader = Person(990, "en")
        await follow_weekly(h, reader)
        await pact_week(h, Person(991, "en"))
        stats = texts(await h.send(team, "/stats"))[0]
        assert stats.endswith("🌐 Anyone can follow the commitments here: https://pact.example.be")
        h.clock.current = MONDAY
        digest = [c for c in await sweep(h) if c.chat_id == reader.id][-1]
        assert "🌐 Anyone can follow the commitments here: https://pact.example.be" in digest.text
    finally:
        await h.stop()
    off = Harness(tmp_path / "off.sqlite3", FakeClock(), {"ADMIN_IDS": str(OWNER_ID)})
    await off.start()
    try:
        menu = texts(await off.send(Person(OWNER_ID, "en"), "/admin"))[0]
        assert "The public page is off (WEB_PORT is not set)." in menu
        assert "🌐" not in texts(await off.send(Person(OWNER_ID, "en"), "/stats"))[0]
    finally:
        await off.stop()


async def test_the_static_copy_links_every_page_relatively(
    harness: Harness, tmp_path: Path
) -> None:
    from bot.public import site

    await _pact(harness)
    found = await site.files(harness.application.services)
    for name, content in found.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    pages = [name for name in found if name.endswith(".html") and name != "index.html"]
    assert {"nl/index.html", "fr/opinions.html", "en/commitments/index.html"} <= set(pages)
    assert any(re.fullmatch(r"en/commitments/\d+\.html", name) for name in pages)
    for name in pages:
        text = found[name].decode()
        for href in re.findall(r'href="([^"]+)"', text):
            if href.startswith(("http://", "https://", "#")):
                continue
            assert not href.startswith("/"), (name, href)
            target = (tmp_path / name).parent / html.unescape(href)
            assert target.resolve().exists(), (name, href)
        for secret in SECRETS:
            assert secret not in text, (name, secret)


async def test_a_new_organisation_that_agrees_appears_within_seconds(harness: Harness) -> None:
    from tests.flows import record_intention, register
    from tests.harness import Person

    seconds = [0.0]
    app = web_app(harness.application, monotonic=lambda: seconds[0])
    transport = httpx.ASGITransport(app=app)
    newcomer = Person(995, "en")
    await register(harness, newcomer, "Vzw Nieuwkomer")
    await record_intention(harness, newcomer, "Buddy project")
    async with httpx.AsyncClient(transport=transport, base_url="http://pact") as client:
        before = (await client.get("/commitments?lang=en")).text
        assert "Buddy project" not in before  # not agreed yet
        await harness.tap(newcomer, "org:public:yes")
        seconds[0] += 1.0
        assert (await client.get("/commitments?lang=en")).text == before  # served again
        seconds[0] += 5.0  # the cache looks at the data again
        after = (await client.get("/commitments?lang=en")).text
        assert "Buddy project" in after and "Vzw Nieuwkomer" in after
        await harness.tap(newcomer, "org:public:no")
        seconds[0] += 5.0
        assert "Buddy project" not in (await client.get("/commitments?lang=en")).text
