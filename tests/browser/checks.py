"""What every page a browser test visits must pass: one language, and no serious accessibility fault.

``look(page, name)`` takes the step's screenshot and scans the page's rendered text: a Chinese page
may show no English word duban wrote, an English page no Chinese. What people entered (unit, people,
plan and work item names, figures, login names, answers a test typed) is taken out first, read from
the database, and so is text marked with its own ``lang`` (the language switcher names each
language in itself). Then axe-core (from npm) runs on the page (a serious or critical violation
fails), and the page may not scroll sideways.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ALLOWED_WORDS = {"duban", "bpmn", "dmn", "xlsx", "docx", "pdf", "png", "kb", "mb", "json", "schema", "api", "id",
                 "word", "excel"}  # names of formats and products
# bpmn-js's own mark (its licence requires it to stay), and the drawn diagram: the file's own labels
THIRD_PARTY = ".bjs-powered-by, .djs-container"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")
_WORD = re.compile(r"[A-Za-z]{2,}")
_NOT_PAGES = re.compile(r"/login/|/api/")

_PAGE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('script, style, noscript, template, THIRD_PARTY').forEach(e => e.remove());
  copy.querySelectorAll('[lang]').forEach(e => { if (e.getAttribute('lang') !== lang) e.remove(); });
  const attributes = [];
  const labelled = '[title], [aria-label], [placeholder], [alt], ' + 'input[type=submit][value]';
  copy.querySelectorAll(labelled).forEach(e => {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      if (e.getAttribute(name)) attributes.push(e.getAttribute(name));
    }
    if (e.type === 'submit') attributes.push(e.value);
  });
  copy.querySelectorAll('option').forEach(e => attributes.push(e.textContent));
  return [document.title, copy.textContent, ...attributes].join('\\n');
}""".replace("THIRD_PARTY", THIRD_PARTY)


def entered_texts(extra: tuple[str, ...] = ()) -> list[str]:
    """Everything people entered that a page may show as entered, longest first."""
    from django.contrib.auth import get_user_model

    from workflows.org.models import Unit
    from workflows.plans.models import Plan, WorkItem
    from workflows.processes.models import Attachment, HumanTask, ProcessDefinition

    texts = set(extra)
    texts.update(Unit.objects.values_list("name", flat=True))
    texts.update(Unit.objects.values_list("code", flat=True))
    for first, username in get_user_model().objects.values_list("first_name", "username"):
        texts.update({first, username})
    for plan in Plan.objects.all():
        texts.update({plan.title, plan.code, plan.document_number, plan.issuer, plan.addressees, plan.copy_to,
                      plan.printed_by, plan.description})
    for item in WorkItem.objects.all():
        texts.update({item.title, item.description})
        for figure in item.figures or []:
            texts.update({figure.get("label", ""), figure.get("unit", "")})
    texts.update(Attachment.objects.values_list("name", flat=True))
    for key, name, translations in ProcessDefinition.objects.values_list("key", "name", "texts"):
        texts.update({key} if translations else {key, name})  # an author's own name, where not translated
    untranslated = HumanTask.objects.filter(instance__definition__texts={})
    for name, documentation in untranslated.values_list("name", "documentation"):
        texts.update({name, documentation})
    return sorted((t for t in texts if t and isinstance(t, str)), key=len, reverse=True)


def foreign_words(text: str, language: str, entered: list[str]) -> list[str]:
    """Words in the other language that remain once entered texts are taken out."""
    for value in entered:
        text = text.replace(value, " ")
    if language.startswith("zh"):
        return sorted({w for w in _WORD.findall(text) if w.lower() not in ALLOWED_WORDS})
    return sorted(set(_CJK.findall(text)) - {"，", "。", "、", "：", "（", "）", "·"})


def check_language(page, extra: tuple[str, ...] = ()) -> None:
    language = page.evaluate("() => document.documentElement.lang")
    found = foreign_words(page.evaluate(_PAGE_TEXT), language, entered_texts(extra))
    assert not found, f"{page.url} ({language}) shows words in another language: {found}"


def check_accessibility(page) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # evaluated by the browser, not a page script
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
    assert not result, f"{page.url} has accessibility violations: {result}"


def check_width(page) -> None:
    """The page fits its viewport: nothing scrolls sideways (tables scroll inside their own box)."""
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"{page.url} is {wide[0]} px wide in a {wide[1]} px viewport"


def look(page, name: str, extra: tuple[str, ...] = ()) -> None:
    """A step's picture and its checks: one language, no serious accessibility fault, no sideways scroll."""
    from tests.browser.conftest import shot

    page.wait_for_load_state()
    shot(page, name)
    check_language(page, extra)
    check_accessibility(page)
    check_width(page)


def revisit(context, urls: list[str], typed: tuple[str, ...] = ()) -> None:
    """Open every page a browser loaded again, in its own context, and check it as ``look`` does, at the
    context's size and, where that is wider, on a small phone too (layout and accessibility).

    Pages seen only before sign-in (the login page), the API's own browsable pages (Swagger UI, for
    developers) and files (downloads, exports) are left out; each address is checked once, in the
    state the test left it."""
    from tests.browser.conftest import PHONE

    page = context.new_page()
    sizes = [page.viewport_size, *([PHONE] if page.viewport_size["width"] > PHONE["width"] else [])]
    try:
        for url in dict.fromkeys(u for u in urls if u.startswith("http") and not _NOT_PAGES.search(u)):
            for number, size in enumerate(sizes):
                page.set_viewport_size(size)
                response = page.goto(url)
                if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                    break
                page.wait_for_load_state()
                if number == 0:
                    check_language(page, typed)
                check_accessibility(page)
                check_width(page)
    finally:
        page.close()


A4_CONTENT_PX = 680  # 210 mm less 15 mm margins each side, at 96 px per inch


def check_print(page, name: str) -> int:
    """The page printed on A4: only the content (no header, forms or buttons), nothing wider than the
    paper's printable width. Its picture goes with the screenshots, the PDF under var/print. Returns its page count."""
    from tests.browser.conftest import SHOTS, VAR

    size = page.viewport_size
    page.wait_for_load_state()  # its stylesheet read (a page just posted to may still be loading)
    page.emulate_media(media="print")
    try:
        page.wait_for_function("() => matchMedia('print').matches")
        page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
        shown = page.evaluate("""() => [...document.querySelectorAll('header.top, main form, main button, .actions')]
          .filter(e => e.offsetParent !== null).map(e => e.tagName + '.' + e.className)""")
        assert not shown, f"{page.url} prints {shown}"
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= A4_CONTENT_PX, f"{page.url} prints {wide} px wide on A4 ({A4_CONTENT_PX} px)"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # what the paper shows
        (VAR / "print").mkdir(parents=True, exist_ok=True)
        pdf = page.pdf(path=str(VAR / "print" / f"{name}.pdf"), prefer_css_page_size=True)
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size(size)
    assert pdf.startswith(b"%PDF") and b"/MediaBox [0 0 594.9" in pdf  # A4: 595 x 842 points
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
