"""A compiled step: traced once per structure, replayed on floats, the engine as its referee.

``compile_step(fn, params)`` returns a :class:`CompiledStep`. Calling it with the inputs
(floats, or lists of them: a batch of rows; a replay computes with what it is given, so an
int stays a Python int) gives ``(loss, gradients, outputs)`` as floats:
the loss ``fn`` returns, ``d loss / d p`` for each parameter (what ``backward()`` leaves in a
zeroed ``.grad``) and the numbers of the extra outputs ``fn`` returns beside the loss. The
parameters' current ``.data`` is read on every call, so an optimizer updates them as usual.

Safety, in the order a call meets it:

- the structure (the arguments' shapes, ``key()``) picks a compiled version; a new structure
  is traced and compiled (the trace is the engine's own forward and backward, so the first
  call of a structure returns the engine's numbers, and the fresh code is checked against
  them);
- a trace that read ``.data`` (``if x.data > 0``) may depend on the numbers: the step warns
  (:class:`EagerFallbackWarning`) and runs the engine from then on; so does a trace whose
  numbers differ from the ``eager`` function's on the plain arguments (a comparison such as
  ``y == 1`` is never true of a traced Value);
- a replay that meets a domain error, an overflow or a value the engine would have refused is
  re-run by the engine, which raises its named error (or agrees, for inputs that were not
  finite to begin with);
- ``check_every=k`` re-runs every k-th call with the engine and compares every bit; a
  difference warns and switches to the engine for good.
"""

from __future__ import annotations

import math
import struct
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from autograd.backprop import backpropagate
from autograd.compiler.backends import Compiled, compile_tape
from autograd.compiler.straight import NonFiniteError
from autograd.compiler.trace import DataDependentTraceError, Tape, shape_of, trace
from autograd.value import Value

Result = tuple[float, list[float], list[float]]
BACKENDS = ("auto", "straight", "rolled", "interpreter", "tensor")


class EagerFallbackWarning(UserWarning):
    """A compiled step could not be trusted and runs the engine instead."""


def eager_result(tape: Tape) -> Result:
    """The engine's numbers for a traced graph: its one chain-rule loop, from the root."""
    delta = backpropagate(tape.root, 1.0)[1]
    grads = [0.0 + delta.get(p, 0.0) for p in tape.params]
    return tape.root.data, grads, [v.data for v in tape.output_values()]


def within(a: Result, b: Result, tolerance: float) -> bool:
    """Loss, gradients and outputs agree within ``tolerance`` times the largest magnitude of
    their kind (the tensor back end outside exact mode adds in another order)."""
    if len(a[1]) != len(b[1]) or len(a[2]) != len(b[2]):
        return False
    for xs, ys in (([a[0]], [b[0]]), (a[1], b[1]), (a[2], b[2])):
        scale = max((abs(y) for y in ys), default=0.0)
        if not all(abs(x - y) <= tolerance * scale for x, y in zip(xs, ys, strict=True)):
            return False
    return True


def _batch(arg: Any) -> bool:
    """A list of rows, or an array of them (which the tensor back end reads as it is)."""
    return isinstance(arg, (list, tuple)) or bool(getattr(arg, "ndim", 0))


def _listed(arg: Any) -> Any:
    """An array argument as nested lists (what tracing and the engine read)."""
    return arg.tolist() if getattr(arg, "ndim", 0) else arg


def same_bits(a: Result, b: Result) -> bool:
    """Loss, gradients and outputs agree bit for bit (any NaN equals any NaN)."""

    def bits(xs: Sequence[float]) -> list[Any]:
        return ["nan" if x != x else struct.pack("<d", x) for x in xs]

    return bits([a[0], *a[1], *a[2]]) == bits([b[0], *b[1], *b[2]])


class CompiledStep:
    """``fn`` traced and compiled per structure; see the module's description."""

    def __init__(
        self,
        fn: Callable[..., Any],
        params: Sequence[Value],
        backend: str = "auto",
        check_every: int = 0,
        key: Callable[[], Any] | None = None,
        warn: bool = True,
        eager: Callable[..., Any] | None = None,
        exact: bool = False,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        if type(check_every) is not int or check_every < 0:
            raise ValueError(f"check_every must be an int >= 0, got {check_every!r}")
        self.fn, self.params, self.backend = fn, list(params), backend
        self.check_every, self.key, self.warn = check_every, key, warn
        self.engine_fn, self.exact = eager, exact
        self.cache: dict[Any, Compiled] = {}
        self.eager_only = ""  # why the step runs the engine, once it does
        self.calls = self.replays = self.traces = self.eager_runs = 0
        self.last: Compiled | None = None
        self.output_nesting: Any = None  # how the outputs of the latest call were nested
        # the parameters' numbers as one array, where a trainer keeps them (the tensor back
        # end reads it as it is), and what writes them into the Values before the engine runs
        self.numbers: Callable[[], Any] | None = None
        self.sync: Callable[[], None] | None = None

    @property
    def source(self) -> str:
        """The generated Python of the most recent structure (the chain rule, written out)."""
        return self.last.source if self.last is not None else ""

    def __call__(self, *args: Any) -> Result:
        self.calls += 1
        if self.eager_only:
            return self.eager(*args)
        key: Any = tuple(len(a) if _batch(a) else -1 for a in args)
        if self.key is not None:
            key = (key, self.key())
        compiled = self.cache.get(key)
        if compiled is None:
            return self._trace_and_compile(key, args)
        self.last, self.output_nesting = compiled, compiled.outputs
        if compiled.backend != "tensor":
            args = tuple(map(_listed, args))
        try:
            if self.numbers is None:
                numbers: Any = [p.data for p in self.params]
            else:
                numbers = self.numbers()
                numbers = numbers if compiled.backend == "tensor" else numbers.tolist()
            result = compiled.run(numbers, *args)
        except (ArithmeticError, ValueError, TypeError, IndexError):
            args = tuple(map(_listed, args))
            if tuple(map(shape_of, args)) != compiled.shape:
                return self._trace_and_compile(key, args)
            return self.eager(*args)  # the engine names the error, or agrees
        self.replays += 1
        if self.check_every and self.replays % self.check_every == 0:
            expected = self.eager(*args)
            if not self.agrees(result, expected, compiled):
                self._give_up(f"a replay differs from the engine at call {self.calls}")
            return expected
        return result

    def backward(self, *args: Any) -> tuple[float, list[float]]:
        """Run the step and add the gradients into the parameters' ``.grad`` (as
        ``loss.backward()`` does); returns the loss and the outputs."""
        loss, grads, outputs = self(*args)
        for p, g in zip(self.params, grads, strict=True):
            p.grad += g
        return loss, outputs

    def agrees(self, got: Result, expected: Result, compiled: Compiled) -> bool:
        """Bit for bit, or within the tensor back end's tolerance outside exact mode."""
        if compiled.backend == "tensor" and not self.exact:
            from autograd.compiler.tensor import TOLERANCE

            return within(got, expected, TOLERANCE)
        return same_bits(got, expected)

    def eager(self, *args: Any) -> Result:
        """The engine's forward and backward (``fn`` on fresh leaves, or the ``eager``
        function given on the arguments themselves), no generated code involved."""
        self.eager_runs += 1
        if self.sync is not None:
            self.sync()
        args = tuple(map(_listed, args))
        if self.engine_fn is not None:
            result = self.engine_fn(*args)
        else:
            result = self.fn(*[_leaves(a) for a in args])
        root, outputs = (result, None) if isinstance(result, Value) else result
        self.output_nesting = _nesting(outputs)
        tape = Tape(root, [], self.params, [], None, outputs)
        return eager_result(tape)

    def _give_up(self, why: str) -> None:
        self.eager_only = why
        if self.warn:
            warnings.warn(
                f"compiled step: {why}; running the engine instead",
                EagerFallbackWarning,
                stacklevel=3,
            )

    def _trace_and_compile(self, key: Any, args: Sequence[Any]) -> Result:
        self.traces += 1
        if self.sync is not None:
            self.sync()
        arrays, args = args, tuple(map(_listed, args))
        try:
            tape = trace(self.fn, self.params, args)
        except DataDependentTraceError as err:
            self._give_up(str(err))
            return self.eager(*args)
        except (TypeError, ValueError, ArithmeticError) as err:
            result = self.eager(*args)  # the engine's own error, if it is one, stops here
            self._give_up(f"the function cannot be traced with Value inputs ({err})")
            return result
        self.output_nesting = _nesting(tape.outputs)
        expected = eager_result(tape)  # the engine's own numbers for this call
        if self.engine_fn is not None and not same_bits(plain := self.eager(*args), expected):
            self._give_up(
                "the function gives other numbers when its inputs are Values than when they "
                "are numbers (a comparison such as y == 1 is never true of a Value)"
            )
            return plain
        if not math.isfinite(expected[0]):
            return expected  # nothing to learn from a non-finite trace: compile next time
        start = time.perf_counter()
        compiled = compile_tape(tape, self.backend, self.exact)
        compiled.seconds = time.perf_counter() - start
        compiled.outputs = _nesting(tape.outputs)
        try:
            given = arrays if compiled.backend == "tensor" else args
            got = compiled.run([p.data for p in self.params], *given)
        except NonFiniteError:  # an inf or NaN given as an input: as in a replay, the
            self.cache[key] = self.last = compiled  # engine's numbers stand for this call
            return expected
        except (ArithmeticError, ValueError, TypeError, IndexError) as err:
            self._give_up(
                f"the compiled code fails on the traced inputs where the engine does not "
                f"({type(err).__name__}: {err})"
            )
            return expected
        if not self.agrees(got, expected, compiled):
            self._give_up("the compiled code differs from the engine on the traced inputs")
            return expected
        self.cache[key] = self.last = compiled
        return expected


def _nesting(outputs: Any) -> Any:
    if isinstance(outputs, (list, tuple)):
        return tuple(_nesting(o) for o in outputs)
    return None


def _leaves(arg: Any) -> Any:
    if isinstance(arg, (list, tuple)):
        return [_leaves(a) for a in arg]
    return Value(arg)


def compile_step(
    fn: Callable[..., Any],
    params: Sequence[Value],
    backend: str = "auto",
    check_every: int = 0,
    key: Callable[[], Any] | None = None,
    warn: bool = True,
    eager: Callable[..., Any] | None = None,
    exact: bool = False,
) -> CompiledStep:
    """A training step of ``fn`` compiled: ``fn(*inputs)`` builds the loss from the
    parameters ``params`` (Values it holds) and the inputs it is given as Values, and returns
    the loss or ``(loss, outputs)``. ``key()`` names anything else the graph's structure
    depends on (a mode, a flag); ``eager``, when given, is the engine's version called on the
    plain arguments (for functions that take numbers where ``fn`` takes Values). The tensor
    back end adds its sums in BLAS's order: its numbers agree with the engine's within
    ``autograd.compiler.tensor.TOLERANCE`` (1e-11 of the largest magnitude); ``exact=True``
    makes it add in the engine's order, bit for bit, at several times the cost. The other
    back ends are always bit for bit. See :class:`CompiledStep`."""
    return CompiledStep(fn, params, backend, check_every, key, warn, eager, exact)
