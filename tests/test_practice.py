"""The notebook stepper's practice mode: questions in the order of explain()'s rows, answers
checked against the chain rule, the arithmetic shown for a wrong one, a score; and the page's
practice data (the browser side is tests/test_practice_in_browser.py)."""

from __future__ import annotations

import json

import pytest
from neurons import micrograd_neuron

from autograd import Value
from autograd.viz import explain, practice
from autograd.viz.webpage import stepper_section


def test_questions_follow_the_rows_and_answers_are_checked() -> None:
    o, nodes = micrograd_neuron()
    quiz = practice(o)
    assert quiz.question() == (
        "Step 1: o, made by tanh, passes delta(o) = 1 to its input. What is delta(n) so far?"
    )
    wrong = quiz.answer(0.7)
    assert not wrong
    assert repr(wrong) == "wrong, not 0.7: delta(n) += local x upstream = 0.5 x 1 = 0.5"
    assert quiz.asking == "n"  # still the same question
    assert quiz.answer(0.5)
    assert quiz.score == (0, 1)
    assert quiz.answer(0.5)
    assert quiz.answer(0.5001)  # within 0.5%: the digits shown are fine
    assert quiz.score == (2, 3)
    revealed = quiz.reveal()
    assert "local x upstream" in repr(revealed)
    assert quiz.score == (2, 4)
    rows = explain(o).rows
    while quiz.position < len(rows):
        assert quiz.answer(rows[quiz.position].accumulated)
    assert quiz.score == (len(rows) - 2, len(rows))
    assert repr(quiz) == f"<Practice: done, {len(rows) - 2} right of {len(rows)}>"
    with pytest.raises(IndexError, match="every step is answered"):
        quiz.question()
    assert nodes["x1"].grad == 0.0  # nothing was touched


def test_check_takes_every_delta_by_name() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    quiz = practice(y)
    verdict = quiz.check({"y": 1.0, "x": 3.0})  # forgot that x is used twice
    assert not verdict
    assert repr(verdict) == "\n".join([
        "right: delta(y) = 1",
        "wrong: delta(x) is 6, not 3",
        "    delta(x) += local x upstream = 3 x 1 = 3",
        "    delta(x) += local x upstream = 3 x 1 = 3; with the 3 it had: 6",
    ])  # fmt: skip
    assert quiz.check({"x": 6.0})
    with pytest.raises(KeyError, match="no node is called 'z'; the names are: x, y"):
        quiz.check({"z": 1.0})


def test_a_page_in_practice_mode_carries_each_steps_questions() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    html = stepper_section(y, practice=True)
    assert 'data-practice="yes"' in html
    data = json.loads(html.split('class="cr-data">')[1].split("</script>")[0])
    assert data["steps"][1]["questions"] == [
        ["x", "3.0", "delta(x) += local x upstream = 3 x 1 = 3"],
        ["x", "6.0", "delta(x) += local x upstream = 3 x 1 = 3; with the 3 it had: 6"],
    ]
    assert [c[2] for c in data["initial"] if c[0] == "e"] == ["local ?", "local ?"]
    assert "local 3" not in html.split('class="cr-data">')[1]  # the answers are not given away


def test_in_a_notebook_the_question_comes_with_the_graph_as_it_finds_it() -> None:
    o, _ = micrograd_neuron()
    quiz = practice(o)
    quiz.answer(0.5)
    shown = quiz._repr_mimebundle_()
    assert shown["text/plain"].startswith("<Practice: Step 2: n, made by +")
    html = shown["text/html"]
    assert html.startswith("<p>Practice: Step 2: n, made by +, passes delta(n) = 0.5")
    assert "grad 0.5" in html  # n's delta, answered
    assert "grad ?" in html  # its inputs', asked
    assert 'stroke="#e66101"' in html  # n outlined: it passes its gradient on
    assert "local" not in html  # no edge label gives the answer away
