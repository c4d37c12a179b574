"""At a phone's size (390×844 CSS pixels) every main page, in English and 简体中文, fits
the screen's width (nothing to pan to sideways, except inside a box that scrolls on its
own and itself fits), and what the page is for (its first ticket, its submit button, the
queue's At risk and Breached tabs, the agent's clocks and status) is within that width.
Screenshots land in /tmp/phone-shots/ for a person to look at."""

from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/phone-shots")

# What sticks out past the right edge of the screen: the page's scroll width, and each
# rendered element whose right edge is beyond it, unless an ancestor that scrolls sideways
# on its own (overflow-x auto or scroll) holds it and itself fits.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  // Only the boxes of el's containing-block chain clip it: an absolutely positioned element
  // escapes a scroller that is not positioned (and widens the page).
  const inFittingScroller = (el) => {
    let position = getComputedStyle(el).position;
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      const contains = position === "fixed" ? false
        : position === "absolute" ? style.position !== "static" || style.transform !== "none" : true;
      if (!contains) continue;
      if ((style.overflowX === "auto" || style.overflowX === "scroll")
          && box.getBoundingClientRect().right <= width + 0.5) {
        return true;
      }
      position = style.position;
    }
    return false;
  };
  const beyond = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || rect.right <= width + 0.5) continue;
    if (inFittingScroller(el)) continue;
    // report the outermost offender only
    if (beyond.some((outer) => outer.el.contains(el))) continue;
    beyond.push({el, text: `${name(el)} right=${Math.round(rect.right)}`});
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, beyond: beyond.map((b) => b.text)};
}
"""


def within_width(page, selector):
    """Why the first element matching `selector` is not on screen horizontally (None when it is)."""
    element = page.locator(selector).first
    if element.count() == 0:
        return f"{selector}: missing"
    if not element.is_visible():
        return f"{selector}: not visible"
    # where it is on the page as laid out, not after scrolling it into view (which would
    # scroll a sideways strip that holds it, too)
    left, right = element.evaluate("(el) => { const r = el.getBoundingClientRect();"
                                   " return [r.left + window.scrollX, r.right + window.scrollX]; }")
    if left < 0 or right > PHONE["width"] + 0.5:
        return f"{selector}: spans x={left:.0f}…{right:.0f}"
    return None


def open_menu(page):
    """Opens the header's menu when the phone layout folds the navigation into one."""
    toggle = page.locator("header .navmenu > summary")
    if toggle.count() and toggle.is_visible() and not page.locator("header .navmenu[open]").count():
        toggle.click()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_main_pages_fit_a_phone_screen(world, main_pages, open_page, language):
    SHOTS.mkdir(exist_ok=True)
    pages = {}
    problems = []
    for main_page in main_pages:
        if main_page.persona not in pages:
            user = getattr(world, main_page.persona) if main_page.persona else None
            pages[main_page.persona] = open_page(user, language=language, viewport=PHONE)
        page = pages[main_page.persona]
        response = page.goto(main_page.path)
        assert response.status == 200, f"{main_page.path}: {response.status}"
        page.wait_for_load_state("networkidle")
        where = f"{language} {main_page.name} ({main_page.path})"

        measured = page.evaluate(OVERFLOW)
        if measured["scrollWidth"] > PHONE["width"]:
            problems.append(f"{where}: the page is {measured['scrollWidth']} px wide")
        problems += [f"{where}: {text} sticks out" for text in measured["beyond"]]
        problems += [f"{where}: {why}" for why in map(lambda s: within_width(page, s), main_page.primary) if why]
        page.screenshot(path=SHOTS / f"{language}-{main_page.name}.png", full_page=True)

    # the ticket page: the agent's clocks and status controls come before the conversation
    agent = pages["it_agent"]
    agent.goto(next(p.path for p in main_pages if p.name == "ticket-agent"))
    clocks_top = agent.locator(".ticket-side .clocks").bounding_box()["y"]
    conversation_top = agent.locator("#conversation-title").bounding_box()["y"]
    if clocks_top > conversation_top:
        problems.append(f"{language} ticket-agent: the clocks ({clocks_top:.0f} px down) come after "
                        f"the conversation ({conversation_top:.0f} px down)")

    # the queue: its first ticket is on the first screen, without scrolling past the filters
    agent.goto("/queues/it/")
    first_ticket_top = agent.locator("#workspace td.title-cell a").first.bounding_box()["y"]
    if first_ticket_top > PHONE["height"]:
        problems.append(f"{language} queue: the first ticket is {first_ticket_top:.0f} px down")

    # the header: its menu opens and holds the queue, the search box and the language switch
    open_menu(agent)
    agent.screenshot(path=SHOTS / f"{language}-menu-open.png")
    for selector in ["header a[href='/queues/it/']", "header form.topsearch input", "header .langswitch",
                     "header a.bell"]:
        why = within_width(agent, selector)
        if why:
            problems.append(f"{language} header menu: {why}")
    measured = agent.evaluate(OVERFLOW)
    problems += [f"{language} header menu: {text} sticks out" for text in measured["beyond"]]

    assert not problems, "\n".join(problems)
