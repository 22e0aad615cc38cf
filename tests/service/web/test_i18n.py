"""zh-hans is complete: every UI string in templates has a translation; pages render in both languages."""
from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
TEMPLATES = ROOT / "service" / "web" / "templates"
TRANS = re.compile(r"""\{%\s*trans(?:late)?\s+(["'])(.+?)\1""")


def _catalog() -> dict:
    with open(MO, "rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def _po_entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry of the .po file, multi-line strings joined."""
    entries = []
    for block in (MO.with_suffix(".po")).read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line.strip('"')
        if fields.get("msgid"):
            entries.append((fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", "")), "fuzzy" in block))
    return entries


def test_every_catalogue_entry_is_translated():
    entries = _po_entries()
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert len(entries) > 250 and untranslated == []
    assert len(_catalog()) >= len(entries)  # the compiled catalogue is up to date with the .po


def test_every_template_string_is_in_the_catalogue():
    catalog = {(k[0] if isinstance(k, tuple) else k).split("\x04")[-1] for k in _catalog()}  # "context\x04text"
    missing = sorted({m.group(2) for path in TEMPLATES.rglob("*.html")
                      for m in TRANS.finditer(path.read_text(encoding="utf-8"))} - catalog)
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/inbox/", "/board/", "/console/", "/console/upload/", "/bulletins/",
                                 "/notifications/", "/console/org/"])
def test_pages_render_in_chinese_by_default_and_in_english(url, client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", password="pw")
    client.force_login(user)
    chinese = client.get(url)
    assert chinese.status_code == 200 and 'lang="zh-hans"' in chinese.content.decode()
    assert "待办" in chinese.content.decode() and "Inbox" not in chinese.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url)
    assert english.status_code == 200 and "Inbox" in english.content.decode()


@pytest.mark.django_db
def test_data_pages_render_in_both_languages(world, clients):
    from tests.service.conftest import draft_bulletin

    bulletin = draft_bulletin(world)
    urls = [f"/tasks/{world.report_task.pk}/", f"/cycles/{world.cycle.pk}/", f"/cycles/{world.cycle.pk}/quarters/1/",
            f"/bulletins/{bulletin.pk}/", "/processes/quarterly_report/1/diagram/", "/board/"]
    client = clients["office"]
    for url in urls:
        chinese = client.get(url).content.decode()
        assert "待办" in chinese and "督办看板" in chinese, url
        client.cookies["django_language"] = "en"
        english = client.get(url)
        assert english.status_code == 200 and "Inbox" in english.content.decode(), url
        del client.cookies["django_language"]
