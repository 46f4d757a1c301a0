"""The chat widget in a real browser (Chromium), against the website channel with a fake agent."""

from __future__ import annotations

import json

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def active(page) -> dict:
    return page.evaluate(
        """() => { const a = document.activeElement;
                   return {tag: a.tagName, id: a.id, cls: a.className, text: a.textContent.trim()}; }"""
    )


def tab_to(page, predicate, key="Tab", limit=40) -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        info = active(page)
        if predicate(info):
            return info
    raise AssertionError(f"focus never reached the element; last: {active(page)}")


def open_with_keyboard(page) -> None:
    tab_to(page, lambda a: "gt-launcher" in a["cls"])
    page.keyboard.press("Enter")
    assert active(page)["id"] == "gt-input"


def ask(page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def bot_texts(page) -> list[str]:
    return page.locator(".gt-msg-bot .gt-text").all_inner_texts()


def wait_bot(page, count: int) -> None:
    page.locator(".gt-msg-bot").nth(count - 1).wait_for()


def test_keyboard_only_open_ask_explain_and_close(page, site):
    dialog = page.get_by_role("dialog")
    assert dialog.is_hidden()
    open_with_keyboard(page)
    assert dialog.is_visible()
    assert page.locator(".gt-launcher").get_attribute("aria-expanded") == "true"
    # the privacy notice is there before the first message
    privacy = page.locator("#gt-privacy")
    assert privacy.is_visible() and "Het gesprek wordt bewaard" in privacy.inner_text()
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"

    ask(page, "begrip")
    wait_bot(page, 1)
    assert bot_texts(page) == ["echo: begrip"]
    assert log.get_by_text("Jij:").count() == 1  # the user's message, labelled for screen readers

    # the explained term is a disclosure reachable with the keyboard
    summary = tab_to(page, lambda a: a["tag"] == "SUMMARY", key="Shift+Tab")
    assert "aanbesteding" in summary["text"]
    plain = page.locator(".gt-term-body").get_by_text("een opdracht")
    assert plain.is_hidden()
    page.keyboard.press("Enter")
    assert plain.is_visible()

    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert "gt-launcher" in active(page)["cls"]
    assert page.js_errors == []


def test_quick_reply_then_reload_shows_history(page, site):
    open_with_keyboard(page)
    ask(page, "knoppen")
    wait_bot(page, 1)
    button = page.get_by_role("group", name="Kies een antwoord").get_by_role("button", name="Ja")
    button.focus()
    page.keyboard.press("Enter")
    wait_bot(page, 2)
    assert site.channel.agent.received[-1].text == "/affirm"
    assert page.locator(".gt-msg-user .gt-text").all_inner_texts() == ["knoppen", "Ja"]

    page.reload()
    page.wait_for_selector(".gt-root[data-ready]", state="attached")
    assert page.get_by_role("dialog").is_visible()  # it stays open after a reload
    assert page.locator(".gt-msg-user .gt-text").all_inner_texts() == ["knoppen", "Ja"]
    assert bot_texts(page) == ["Kies maar.", "echo: /affirm"]
    assert page.locator(".gt-quick-button").first.is_disabled()  # already answered
    assert page.get_by_role("log").get_attribute("aria-live") == "polite"


def test_user_and_bot_xss_show_as_text_and_run_nothing(page, site):
    open_with_keyboard(page)
    ask(page, XSS)
    wait_bot(page, 1)
    ask(page, "xss")
    wait_bot(page, 2)
    page.locator(".gt-term summary").last.click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    root = page.locator(".gt-root")
    assert root.locator("img, script, iframe").count() == 0
    assert XSS in page.locator(".gt-msg-user .gt-text").first.inner_text()
    assert "onerror" in bot_texts(page)[1]
    assert XSS in page.locator(".gt-quick-button").last.inner_text()
    assert "onerror" in page.locator(".gt-term").last.inner_text()
    hrefs = root.locator("a").evaluate_all("els => els.map(a => [a.href, a.rel, a.target])")
    assert ["https://example.org/a?b=1", "noopener noreferrer", "_blank"] in hrefs
    assert not any(h[0].startswith("javascript") for h in hrefs)
    assert page.js_errors == []


def test_contact_button_is_always_there_and_maps_to_contact(page, site):
    page.get_by_role("button", name="Vraag het Gemeentetolk").click()
    page.get_by_role("button", name="Praat met een medewerker").click()
    wait_bot(page, 1)
    assert site.channel.agent.received[-1].text == "/ask_contact"
    assert page.locator(".gt-msg-user .gt-text").last.inner_text() == "Praat met een medewerker"


def test_refusals_show_the_dutch_message(page, site):
    page.route(
        "**/webhooks/website/webhook",
        lambda route: route.fulfill(
            status=429,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": site.url.rstrip("/")},
            body=json.dumps({"error": "rate_limit", "message": "Rustig aan: wacht even."}),
        ),
    )
    open_with_keyboard(page)
    ask(page, "hallo")
    page.wait_for_selector(".gt-msg-notice")
    assert page.locator(".gt-msg-notice").inner_text().endswith("Rustig aan: wacht even.")


def test_overlong_text_gets_a_message_and_is_not_sent(page, site):
    before = len(site.channel.agent.received)
    open_with_keyboard(page)
    page.locator("#gt-input").fill("a" * 1001)
    page.keyboard.press("Enter")
    assert "te lang" in page.locator(".gt-msg-notice").inner_text()
    assert "1001 van 1000" in page.locator(".gt-counter").inner_text()
    assert len(site.channel.agent.received) == before


def test_visible_focus_ring(page):
    tab_to(page, lambda a: "gt-launcher" in a["cls"])
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow]; }"
    )
    assert style[0] != "none" and "rgb" in style[1]


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        """() => { const p = document.querySelector('.gt-panel');
                   return document.documentElement.scrollWidth <= window.innerWidth
                          && p.scrollWidth <= p.clientWidth + 1; }"""
    )


def test_usable_on_a_360px_phone(browser, site):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(site.url)
        page.wait_for_selector(".gt-root[data-ready]", state="attached")
        page.get_by_role("button", name="Vraag het Gemeentetolk").click()
        box = page.locator(".gt-panel").bounding_box()
        assert box["x"] >= 0 and box["width"] <= 360
        page.locator("#gt-input").fill("knoppen")
        page.get_by_role("button", name="Verstuur").click()
        wait_bot(page, 1)
        assert page.get_by_role("button", name="Verstuur").is_visible()
        assert page.get_by_role("button", name="Praat met een medewerker").is_visible()
        assert no_horizontal_overflow(page)
        # full screen = modal: Tab stays inside the chat
        assert page.locator(".gt-panel").get_attribute("aria-modal") == "true"
        page.locator("#gt-input").focus()
        for _ in range(15):
            page.keyboard.press("Tab")
            assert page.evaluate("() => !!document.activeElement.closest('.gt-panel')")
        for _ in range(15):
            page.keyboard.press("Shift+Tab")
            assert page.evaluate("() => !!document.activeElement.closest('.gt-panel')")
    finally:
        context.close()


def test_text_can_grow_to_200_percent(page, site):
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.get_by_role("button", name="Vraag het Gemeentetolk").click()
    page.locator("#gt-input").fill("begrip")
    page.get_by_role("button", name="Verstuur").click()
    wait_bot(page, 1)
    assert no_horizontal_overflow(page)
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.gt-text')).fontSize)"
    )
    assert size >= 32  # 16 px * 2
    page.get_by_role("button", name="Verstuur").scroll_into_view_if_needed()
    assert page.get_by_role("button", name="Verstuur").is_visible()


def test_colours_without_enough_contrast_fall_back(browser, site):
    context = browser.new_context()
    page = context.new_page()
    html = (
        '<!doctype html><html lang="nl"><head><title>t</title></head><body><main><h1>t</h1></main>'
        f'<script src="/widget.js" data-server="{site.channel.url}" data-color="#ffff00" '
        'data-color-text="#ffffff"></script></body></html>'
    )
    page.route(
        site.url + "kleur",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    try:
        page.goto(site.url + "kleur")
        page.wait_for_selector(".gt-root[data-ready]", state="attached")
        color = page.evaluate(
            "getComputedStyle(document.querySelector('.gt-launcher')).backgroundColor"
        )
        assert color == "rgb(31, 78, 140)"  # the default #1f4e8c, not the unreadable yellow
    finally:
        context.close()


def test_unreachable_server_gives_a_notice_and_the_widget_recovers(page, site):
    page.route("**/webhooks/website/webhook", lambda route: route.abort())
    open_with_keyboard(page)
    ask(page, "hallo")
    notice = page.locator(".gt-msg-notice")
    notice.wait_for()
    assert "niet bereiken" in notice.inner_text()
    assert page.locator(".gt-typing-text").count() == 0
    page.unroute("**/webhooks/website/webhook")
    ask(page, "weer online")
    wait_bot(page, 1)
    assert bot_texts(page) == ["echo: weer online"]
