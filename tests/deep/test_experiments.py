"""scratchlearn.deep.experiments: the runs and computations behind the book's
pictures."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    BernoulliRBM,
    RMSprop,
    experiments,
)
from scratchlearn.deep.autoencoder import dense_autoencoder
from scratchlearn.deep.recurrent import SimpleRNN
from scratchlearn.deep.surfaces import QUADRATIC, ROSENBROCK, descend
from tests.deep.test_layers import numerical_gradient

# --- the pictures of tests/viz/test_optimizers.py


def test_each_name_makes_its_optimizer():
    made = {
        name: experiments.make_optimizer(name, 0.1, 0.8)
        for name in experiments.OPTIMIZERS
    }
    assert [type(made[name]) for name in ("SGD", "momentum", "Nesterov")] == [SGD] * 3
    assert (made["SGD"].momentum, made["SGD"].nesterov) == (0.0, False)
    assert (made["momentum"].momentum, made["momentum"].nesterov) == (0.8, False)
    assert (made["Nesterov"].momentum, made["Nesterov"].nesterov) == (0.8, True)
    adaptive = [Adagrad, Adadelta, RMSprop, Adam]
    assert [type(made[n]) for n in experiments.OPTIMIZER_NAMES[3:]] == adaptive
    with pytest.raises(ValueError, match="Unknown optimizer"):
        experiments.make_optimizer("adam", 0.1)


def test_the_schedules_decay_as_described():
    steps = np.arange(100)
    assert experiments.SCHEDULES["constant"](0.4, 100) == 0.4
    step = experiments.SCHEDULES["step"](0.4, 100)(steps)  # halved every 25 steps
    np.testing.assert_allclose(step[[0, 24, 25, 50, 99]], [0.4, 0.4, 0.2, 0.1, 0.05])
    exponential = experiments.SCHEDULES["exponential"](0.4, 100)(np.array([0, 50, 100]))
    np.testing.assert_allclose(exponential, [0.4, 0.04, 0.004])
    cosine = experiments.SCHEDULES["cosine"](0.4, 100)(np.array([0, 50, 100]))
    np.testing.assert_allclose(cosine, [0.4, 0.2, 0.0], atol=1e-12)


def test_the_race_runs_every_optimizer_at_its_learning_rate():
    for surface in (QUADRATIC, ROSENBROCK):
        paths = experiments.race(surface)
        assert list(paths) == list(experiments.OPTIMIZER_NAMES)
        rate = experiments.RACE_LEARNING_RATES[surface.name]["Adam"]
        n_steps = experiments.RACE_STEPS[surface.name]
        expected = descend(Adam(rate), surface, n_steps)
        np.testing.assert_array_equal(paths["Adam"], expected)
        assert all(len(path) == n_steps + 1 for path in paths.values())


# --- the pictures of tests/viz/test_recurrent.py


def test_gradient_per_step_is_the_input_gradient_of_a_last_step_loss():
    norms, kernel_norm = experiments.gradient_per_step(
        "SimpleRNN", 4, 1.0, units=3, batch=2
    )
    # The same computation by finite differences of the loss.
    rng = np.random.default_rng(0)
    layer = SimpleRNN(3)
    layer.build((4, 4), rng)
    X = rng.normal(size=(2, 4, 4))
    R = rng.normal(size=(2, 3))
    numeric = numerical_gradient(lambda: float(np.sum(layer.forward(X) * R)), X)
    expected = np.linalg.norm(numeric, axis=-1).mean(axis=0)
    np.testing.assert_allclose(norms, expected, rtol=1e-6)
    assert kernel_norm > 0


def test_clipping_scales_every_share_as_the_optimizer_scales_the_gradient():
    shares, clipped, norm = experiments.clipped_shares("SimpleRNN", 12, 2.0, 6, 1.0)
    assert norm > 1
    np.testing.assert_allclose(clipped, shares / norm)
    # SGD(clipnorm=1) with a learning rate of 1 steps by the clipped gradient.
    gradient = experiments.backpropagate("SimpleRNN", 12, 2.0, units=6)[2]
    weight = np.zeros_like(gradient)
    SGD(1.0, clipnorm=1.0).apply([weight], [gradient])
    np.testing.assert_allclose(-weight, gradient * clipped[-1] / shares[-1])
    unclipped, same, _ = experiments.clipped_shares("SimpleRNN", 12, 2.0, 6, None)
    np.testing.assert_array_equal(unclipped, same)
    np.testing.assert_array_equal(unclipped, shares)


def test_vanishing_and_exploding_gradients_show():
    vanishing, _ = experiments.gradient_per_step("SimpleRNN", 50, 0.5)
    exploding, kernel_norm = experiments.gradient_per_step("SimpleRNN", 50, 2.0)
    lstm, _ = experiments.gradient_per_step("LSTM", 50, 1.0)
    simple, _ = experiments.gradient_per_step("SimpleRNN", 50, 1.0)
    assert vanishing[0] < 1e-10 * vanishing[-1]
    assert exploding[0] > 10 * exploding[-1] and kernel_norm > 100
    assert lstm[0] / lstm[-1] > 100 * simple[0] / simple[-1]  # the cell keeps more


# --- the pictures of tests/viz/test_autoencoders.py


def test_to_2d_keeps_two_codes_and_projects_longer_ones_like_pca():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(0)
    two = rng.normal(size=(30, 2))
    np.testing.assert_array_equal(experiments.to_2d(two), two)
    codes = rng.normal(size=(50, 6)) * [5, 3, 1, 1, 0.5, 0.1]
    plane = experiments.to_2d(codes)
    reference = PCA(2).fit_transform(codes)
    for k in range(2):  # the same axes up to sign
        sign = np.sign(plane[:, k] @ reference[:, k])
        np.testing.assert_allclose(plane[:, k], sign * reference[:, k], atol=1e-10)
    np.testing.assert_array_equal(experiments.to_2d(-codes), -experiments.to_2d(codes))


def test_decoded_grid_decodes_a_grid_over_the_codes():
    model = dense_autoencoder((64,), hidden_units=(8,), latent_dim=2, random_state=0)
    codes = np.random.default_rng(0).normal(size=(200, 2))
    image, (left, right, bottom, top) = experiments.decoded_grid(model, codes, n=5)
    assert image.shape == (45, 45)
    low, high = np.percentile(codes, [2, 98], axis=0)
    assert (left, right, bottom, top) == (low[0], high[0], low[1], high[1])
    # Top-left: the smallest code 1 and the largest code 2; bottom-right the reverse.
    np.testing.assert_allclose(
        image[:8, :8], model.decode([[low[0], high[1]]]).reshape(8, 8)
    )
    np.testing.assert_allclose(
        image[-9:-1, -9:-1], model.decode([[high[0], low[1]]]).reshape(8, 8)
    )
    np.testing.assert_array_equal(image[8], 0.0)  # a blank row between digits


# --- the pictures of tests/viz/test_rbm.py


def test_train_by_epoch_is_partial_fit_over_shuffled_batches():
    X, _ = datasets.bars_and_stripes(3, n_samples=30)
    rbm = BernoulliRBM(4, batch_size=10, random_state=0)
    values = experiments.train_by_epoch(rbm, X, 3, lambda m: m.components_.sum())
    by_hand = BernoulliRBM(4, batch_size=10, random_state=0)
    rng = np.random.default_rng(0)
    expected = []
    for _ in range(3):
        order = rng.permutation(30)
        for start in (0, 10, 20):
            by_hand.partial_fit(X[order[start : start + 10]])
        expected.append(by_hand.components_.sum())
    np.testing.assert_allclose(values, expected)


def test_surface_grid_is_the_surface_over_its_window():
    xs, ys, values = experiments.surface_grid(QUADRATIC, 7)
    assert (xs[0], xs[-1]) == tuple(QUADRATIC.x_range)
    assert (ys[0], ys[-1]) == tuple(QUADRATIC.y_range)
    assert values.shape == (7, 7)
    assert values[2, 5] == pytest.approx(QUADRATIC.value(np.array([xs[5], ys[2]])))


@pytest.mark.parametrize("schedule", ["constant", "cosine"])
def test_descend_with_follows_the_schedule_from_the_rate(schedule):
    path, losses, at, rates = experiments.descend_with(
        "momentum", ROSENBROCK, 50, 0.001, schedule, 0.9
    )
    rate = experiments.SCHEDULES[schedule](0.001, 50)
    expected = descend(
        experiments.make_optimizer("momentum", rate, 0.9), ROSENBROCK, 50
    )
    np.testing.assert_array_equal(path, expected)
    np.testing.assert_array_equal(losses, ROSENBROCK.value(expected))
    if schedule == "constant":  # a line from the first step to the last
        np.testing.assert_array_equal(at, [0, 49])
        assert list(rates) == [0.001, 0.001]
    else:
        np.testing.assert_allclose(rates, rate(np.arange(50)))


def test_train_digits_network_learns_and_reports_divergence():
    X, y = datasets.digits()
    data = (X[:200] / 16.0, y[:200], X[200:300] / 16.0, y[200:300])
    logs = experiments.train_digits_network(
        data, "Adam", "constant", 0.9, 32, 0.01, epochs=3
    )
    assert len(logs["loss"]) == 3 and logs["loss"][-1] < logs["loss"][0]
    assert logs["val_accuracy"][-1] > 0.5
    diverged = experiments.train_digits_network(
        data, "SGD", "constant", 0.9, 32, 1e100, epochs=2
    )
    assert diverged is None


def test_mlp_runs_trains_each_config_once(monkeypatch):
    from scratchlearn.deep.mlp import MLPConfig

    trained = []
    monkeypatch.setattr(
        experiments, "train_mlp", lambda config, *a: (trained.append(config), {})
    )
    run = experiments.mlp_runs(None, None, None, None)
    config = MLPConfig(epochs=1)
    assert run(config) == {} and run(config) == {}
    assert trained == [config]


def test_rbm_runs_train_each_setting_once_by_position_or_keyword():
    X = datasets.digits().X[:60] / 16.0
    trained = experiments.rbm_runs(X, n_iter=1)
    rbm = trained(16, 1, 0.1)
    assert trained(n_components=16, k=1, learning_rate=0.1) is rbm
    fresh = BernoulliRBM(16, learning_rate=0.1, n_iter=1, k=1, persistent=False)
    np.testing.assert_array_equal(
        rbm.components_, fresh.set_params(random_state=0).fit(X).components_
    )


def test_train_every_gan_trains_each_setting():
    X = datasets.digits().X[:64] / 8 - 1
    runs = experiments.train_every_gan(X, (2, 4), (0.001,), epochs=1)
    assert set(runs) == {(2, 0.001), (4, 0.001)}
    history = runs[2, 0.001]
    assert len(history["g_loss"]) == 1
    assert np.shape(history["samples"]) == (1, 8, 64)  # 8 fixed noise vectors
    again = experiments.train_small_gan(X, 2, 0.001, epochs=1)
    np.testing.assert_array_equal(again["samples"], history["samples"])
