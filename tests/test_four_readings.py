"""One rule, four readings: the op table's rules read on floats (``backward``), on Values
(``grad(create_graph=True)``) and on tangents (``jvp``) give the same numbers and the same
errors, at the edges too (zero gradients, NaN, inf, overflow inside a rule)."""

from __future__ import annotations

from autograd import Value, grad, hessian


def test_a_zero_upstream_gradient_skips_the_node_in_every_reading() -> None:
    x = Value(0.0)
    y = x.sqrt() * 0.0  # sqrt has no derivative at 0, but nothing flows back through it
    y.backward()
    assert x.grad == 0.0
    assert grad(y, [x]) == [0.0]
    assert [g.data for g in grad(y, [x], create_graph=True)] == [0.0]


def test_a_zero_upstream_gradient_on_values_keeps_the_higher_derivatives() -> None:
    # d/dx of x*y*z is y*z, a graph whose d/dz is y = 1 even where z = 0 makes it 0
    assert hessian(lambda x, y, z: x * y * z, [1.0, 1.0, 0.0])[0] == [0.0, 0.0, 1.0]
