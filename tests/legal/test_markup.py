"""The legal pages' markup rules on their own: what is found and refused, what passes, and that what is
shown is cleaned by nh3 whatever reached the database."""

from __future__ import annotations

import pytest

from legal import markup
from legal.errors import MarkupNotAllowed, PageEmpty
from legal.pages import Draft, check_draft


@pytest.mark.parametrize(
    ("html", "kind", "what"),
    [
        ("<script>alert(1)</script>", "tag", "<script>"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "tag", "<script>"),
        ('<p onmouseover="x()">a</p>', "attribute", "onmouseover"),
        ('<a href="javascript:alert(1)">a</a>', "link", "javascript:alert(1)"),
        ('<a href=" JAVASCRIPT:alert(1)">a</a>', "link", "JAVASCRIPT:alert(1)"),
        ('<a href="jav&#x0A;ascript:alert(1)">a</a>', "link", "jav\nascript:alert(1)"),
        ('<a href="vbscript:x">a</a>', "link", "vbscript:x"),
        ('<a href="//evil.example">a</a>', "link", "//evil.example"),
        ('<a href="">a</a>', "link", ""),
        ('<a href="https://a.lt" target="_blank">a</a>', "attribute", "target"),
        ("<img src=x onerror=alert(1)>", "tag", "<img>"),
        ("<math><mi>x</mi></math>", "tag", "<math>"),
        ("<!doctype html><p>a</p>", "tag", "<!doctype html>"),
    ],
)
def test_markup_outside_the_list_is_found(html: str, kind: str, what: str) -> None:
    assert markup.findings(html)[0] == markup.Finding(kind, what)


def test_the_allowed_markup_passes_and_comes_out_of_nh3_as_it_went_in() -> None:
    html = (
        '<h2>A</h2><h3>B</h3><p>C <strong>D</strong> <em>E</em><br><a href="https://www.vvtat.lt">F</a> '
        '<a href="mailto:a@b.lt">G</a> <a href="tel:+37060000000">H</a> <a href="/salygos">I</a> '
        '<a href="#ginčai">J</a></p><ul><li>K</li></ul><ol><li>L</li></ol>'
    )
    assert markup.findings(html) == []
    assert markup.clean(html) == html


def test_what_is_shown_is_cleaned_again_whatever_the_database_holds() -> None:
    shown = str(
        markup.as_markup('<p onclick="x()">a</p><script>alert(1)</script><a href="javascript:x">b</a>')
    )
    assert "onclick" not in shown and "<script" not in shown and "javascript" not in shown
    assert "<p>a</p>" in shown


def test_a_draft_needs_words_in_every_title_and_body() -> None:
    with pytest.raises(PageEmpty) as empty:
        check_draft(Draft(" ", "Terms", "<p><br></p>", "<p>Text</p>"))
    assert empty.value.fields == ["title_lt", "body_lt"]
    with pytest.raises(MarkupNotAllowed) as refused:
        check_draft(Draft("Sąlygos", "Terms", "<p>Tekstas</p>", '<p><a href="javascript:x">y</a></p>'))
    assert refused.value.field == "body_en"
    draft = check_draft(Draft(" Sąlygos ", "Terms", "<p>Tekstas</p>\r\n", "<p>Text</p>", " nauja "))
    assert draft == Draft("Sąlygos", "Terms", "<p>Tekstas</p>", "<p>Text</p>", "nauja")
