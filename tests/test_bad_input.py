"""Bad input gets a clear error naming the op and the value; NaN and inf follow IEEE rules."""

import math
from fractions import Fraction

import pytest

from autograd import Value, grad


@pytest.mark.parametrize(
    ("data", "name"), [("abc", "str"), (None, "NoneType"), (True, "bool"), (1j, "complex")]
)
def test_value_rejects_what_is_not_a_real_number(data: object, name: str) -> None:
    with pytest.raises(TypeError, match=f"got {name}"):
        Value(data)


def test_value_accepts_ints_floats_and_other_reals() -> None:
    assert [Value(v).data for v in (3, 2.5, Fraction(1, 4))] == [3.0, 2.5, 0.25]


@pytest.mark.parametrize("other", ["a", None, [1.0]])
def test_arithmetic_with_a_non_number_names_its_type(other: object) -> None:
    with pytest.raises(TypeError, match=type(other).__name__):
        Value(1.0) + other
    with pytest.raises(TypeError, match=type(other).__name__):
        other * Value(1.0)


def test_bool_is_not_data_in_arithmetic_either() -> None:
    with pytest.raises(TypeError, match="bool"):
        Value(1.0) * True


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Value(-1.0).log(), ValueError, r"log\(-1.0\) is undefined.*needs x > 0"),
        (lambda: Value(0.0).log(), ValueError, r"log\(0.0\)"),
        (lambda: Value(-4.0).sqrt(), ValueError, r"sqrt\(-4.0\).*x >= 0"),
        (lambda: Value(0.0) ** -1, ValueError, r"0.0 \*\* -1.0 is undefined"),
        (lambda: Value(-8.0) ** 0.5, ValueError, r"-8.0 \*\* 0.5 is undefined"),
        (lambda: Value(-2.0) ** Value(2.5), ValueError, r"-2.0 \*\* 2.5 .*integer exponent"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"1.0 / 0.0 is undefined"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, r"1.0 / 0.0"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp\(1000.0\) overflows"),
        (lambda: Value(10.0) ** 400, OverflowError, r"10.0 \*\* 400.0 overflows"),
    ],
)
def test_outside_the_domain_is_an_error_naming_op_and_value(build, error, message) -> None:
    with pytest.raises(error, match=message):
        build()


def test_negative_base_with_an_integer_exponent_is_fine() -> None:
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


def test_a_derivative_that_does_not_exist_fails_in_backward_naming_the_op() -> None:
    x = Value(0.0)
    y = x.sqrt()  # sqrt is defined at 0, its derivative is not
    with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(0.0\)"):
        y.backward()
    with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(0.0\)"):
        grad(y, [x])


def test_nan_propagates_through_forward_and_backward() -> None:
    x = Value(math.nan)
    y = (x * 2.0).tanh()
    y.backward()
    assert math.isnan(y.data)
    assert math.isnan(x.grad)


def test_infinity_follows_ieee_rules() -> None:
    x = Value(math.inf)
    assert x.tanh().data == 1.0
    assert x.sigmoid().data == 1.0
    assert x.exp().data == math.inf
    assert Value(-math.inf).exp().data == 0.0
    y = Value(math.inf) * Value(1e200)  # an infinite input propagates; an overflow is an error
    assert y.data == math.inf
