"""Optimizers against updates computed by hand, clipping, and learning-rate schedules."""

import math

import pytest

import nn
from autograd import Value

# Two steps on one weight w0 = 1 with gradients g1 = 0.5, then g2 = -0.25.
G1, G2 = 0.5, -0.25

# Adam's second step by hand (betas 0.9, 0.999): m2 = 0.9 * 0.05 - 0.1 * 0.25 = 0.02,
# v2 = 0.999 * 0.00025 + 0.001 * 0.0625 = 0.00031225, bias corrections 1 - 0.9^2, 1 - 0.999^2.
ADAM_STEP2 = 0.1 * (0.02 / 0.19) / math.sqrt(0.00031225 / 0.001999)

CASES = {
    "sgd": (lambda p: nn.SGD(p, lr=0.1), 0.95, 0.975),
    # v1 = 0.5, v2 = 0.9 * 0.5 - 0.25 = 0.2
    "momentum": (lambda p: nn.SGD(p, lr=0.1, momentum=0.9), 0.95, 0.93),
    # steps g + mu v: 0.5 + 0.45 = 0.95, then -0.25 + 0.9 * 0.2 = -0.07
    "nesterov": (lambda p: nn.SGD(p, lr=0.1, momentum=0.9, nesterov=True), 0.905, 0.912),
    # g + 0.1 w: 0.6, then -0.25 + 0.094 = -0.156
    "sgd_weight_decay": (lambda p: nn.SGD(p, lr=0.1, weight_decay=0.1), 0.94, 0.9556),
    # s1 = 0.1 * 0.25 = 0.025, s2 = 0.9 * 0.025 + 0.1 * 0.0625 = 0.02875
    "rmsprop": (
        lambda p: nn.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0),
        1 - 0.01 * 0.5 / math.sqrt(0.025),
        1 - 0.01 * 0.5 / math.sqrt(0.025) + 0.01 * 0.25 / math.sqrt(0.02875),
    ),
    # first step: m_hat = g, v_hat = g^2, so the step is exactly lr
    "adam": (lambda p: nn.Adam(p, lr=0.1, eps=0.0), 0.9, 0.9 - ADAM_STEP2),
    # decoupled: w <- w - lr * wd * w - adam step; the averages never see the decay
    "adamw": (
        lambda p: nn.AdamW(p, lr=0.1, eps=0.0, weight_decay=0.1),
        1 - 0.01 - 0.1,
        0.89 - 0.01 * 0.89 - ADAM_STEP2,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_two_steps_match_hand_computed_updates(case):
    make, after_one, after_two = CASES[case]
    w = Value(1.0, label="w")
    optimizer = make([w])
    for g, expected in ((G1, after_one), (G2, after_two)):
        w.grad = g
        optimizer.step()
        assert w.data == pytest.approx(expected, abs=1e-12)
    assert w.parents == ()
    assert w.op is None


def test_adam_l2_weight_decay_enters_the_gradient():
    w = Value(1.0)
    optimizer = nn.Adam([w], lr=0.1, eps=0.0, weight_decay=0.1)
    w.grad = -0.05  # g + 0.1 w = 0.05: the sign flips, so the step goes down
    optimizer.step()
    assert w.data == pytest.approx(0.9, abs=1e-12)


def test_step_on_a_model_is_gradient_descent_and_builds_no_graph():
    model = nn.MLP(2, [3, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.5)
    model([1.0, -2.0]).backward()
    before = [(p, p.data, p.grad) for p in model.parameters()]
    optimizer.step()
    for p, data, grad in before:
        assert p.data == data - 0.5 * grad
        assert p.parents == ()
    optimizer.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_resumes_identically():
    a, b = Value(1.0), Value(1.0)
    first = nn.Adam([a], lr=0.1)
    a.grad = G1
    first.step()
    second = nn.Adam([b], lr=0.5)
    second.load_state_dict(first.state_dict())
    b.data = a.data
    for opt, w in ((first, a), (second, b)):
        w.grad = G2
        opt.step()
    assert a.data == b.data
    assert second.steps == 2
    assert second.lr == 0.1


def test_state_dict_mismatch_is_named():
    state = nn.SGD([Value(1.0)], lr=0.1, momentum=0.9).state_dict()
    with pytest.raises(ValueError, match="state is for 'SGD', not Adam"):
        nn.Adam([Value(1.0)]).load_state_dict(state)
    with pytest.raises(ValueError, match="'momentum' does not have 2 entries"):
        nn.SGD([Value(1.0), Value(2.0)], momentum=0.9).load_state_dict(state)


def test_bad_arguments_and_non_finite_gradients():
    with pytest.raises(ValueError, match="learning rate must be positive"):
        nn.SGD([Value(1.0)], lr=0.0)
    with pytest.raises(ValueError, match="empty parameter list"):
        nn.Adam([])
    w = Value(1.0, label="layers.0.neurons.0.w.0")
    optimizer = nn.SGD([w], lr=0.1)
    w.grad = math.inf
    with pytest.raises(ValueError, match=r"the gradient of layers.0.neurons.0.w.0 is inf"):
        optimizer.step()
    assert w.data == 1.0


def test_clip_grad_norm_scales_all_gradients_together():
    params = [Value(0.0), Value(0.0)]
    params[0].grad, params[1].grad = 3.0, 4.0
    assert nn.clip_grad_norm(params, 1.0) == 5.0
    assert [p.grad for p in params] == [pytest.approx(0.6, abs=1e-6), pytest.approx(0.8, abs=1e-6)]
    assert nn.clip_grad_norm(params, 10.0) == pytest.approx(1.0, abs=1e-6)  # no change below
    assert params[1].grad == pytest.approx(0.8, abs=1e-6)


def test_clip_grad_value_clamps_each_gradient():
    params = [Value(0.0) for _ in range(3)]
    for p, g in zip(params, (-5.0, 0.3, 2.0), strict=True):
        p.grad = g
    nn.clip_grad_value(params, 1.0)
    assert [p.grad for p in params] == [-1.0, 0.3, 1.0]


def test_schedules_values():
    step = nn.StepLR(step_size=2, gamma=0.5)
    assert [step(t, 1.0) for t in range(5)] == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert nn.ExponentialLR(0.9)(3, 2.0) == pytest.approx(2.0 * 0.729)
    cosine = nn.CosineAnnealingLR(T_max=10, eta_min=0.1)
    assert cosine(0, 1.0) == 1.0
    assert cosine(5, 1.0) == pytest.approx(0.55)
    assert cosine(10, 1.0) == pytest.approx(0.1)
    assert cosine(30, 1.0) == pytest.approx(0.1)


def test_warmup_composes_with_another_schedule():
    schedule = nn.LinearWarmup(4, nn.CosineAnnealingLR(T_max=10))
    assert [schedule(t, 0.2) for t in range(5)] == pytest.approx([0.05, 0.1, 0.15, 0.2, 0.2])
    assert schedule(9, 0.2) == pytest.approx(0.1)  # cosine epoch 5: half way
    assert nn.LinearWarmup(2)(7, 0.3) == 0.3  # constant afterwards by default
    with pytest.raises(ValueError, match="epoch must be >= 0"):
        schedule(-1, 0.2)
