"""A learner's usual mistakes get an error naming the argument and the fix."""
import numpy as np
import pytest

import dnn_app_utils as du


@pytest.fixture
def W(rng):
    return rng.standard_normal((7, 12))


def test_examples_in_rows(W, rng):
    """Passing X with one example per row says to transpose it."""
    X_rows = rng.standard_normal((5, 12))
    with pytest.raises(ValueError, match=r"A needs 12 rows .* examples are in rows.*A\.T"):
        du.linear_forward(X_rows, W, np.zeros((7, 1)))


def test_mismatched_w_and_a(W, rng):
    """W and A that cannot be multiplied name both shapes."""
    with pytest.raises(ValueError, match=r"W has shape \(7, 12\).*A has shape \(9, 4\)"):
        du.linear_forward(rng.standard_normal((9, 4)), W, np.zeros((7, 1)))


def test_bias_shape(W, rng):
    """A bias that is not (n_l, 1) is named with the expected shape."""
    with pytest.raises(ValueError, match=r"b must have shape \(7, 1\).*got \(7,\)"):
        du.linear_forward(rng.standard_normal((12, 4)), W, np.zeros(7))


def test_unknown_activation(W, rng):
    """An unknown activation name lists the two allowed ones."""
    A = rng.standard_normal((12, 4))
    with pytest.raises(ValueError, match=r"\"relu\" or \"sigmoid\", got 'Relu'"):
        du.linear_activation_forward(A, W, np.zeros((7, 1)), "Relu")
    _, cache = du.linear_activation_forward(A, W, np.zeros((7, 1)), "relu")
    with pytest.raises(ValueError, match="got 'tanh'"):
        du.linear_activation_backward(np.ones((7, 4)), cache, "tanh")


def test_y_as_a_flat_vector():
    """Y of shape (m,) gets the reshape(1, -1) hint in the cost and backward pass."""
    AL = np.full((1, 4), 0.5)
    with pytest.raises(ValueError, match=r"Y must have the shape of AL, \(1, 4\), got \(4,\).*reshape\(1, -1\)"):
        du.compute_cost(AL, np.array([1, 0, 1, 0]))
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        du.L_model_backward(AL, np.array([1, 0, 1, 0]), [None])


def test_one_dimensional_input():
    """A 1-D X is refused with the (1, m) hint."""
    with pytest.raises(ValueError, match=r"X must be a 2-D array.*got shape \(5,\)"):
        du.L_model_forward(np.ones(5), du.initialize_parameters_deep([5, 1]))


def test_parameters_not_a_dict():
    """parameters must be a dict of W1, b1, ..."""
    with pytest.raises(TypeError, match="parameters must be a dict"):
        du.L_model_forward(np.ones((3, 2)), [np.ones((1, 3))])


def test_parameters_missing_bias():
    """A W without its b is named."""
    p = du.initialize_parameters_deep([3, 2, 1])
    del p["b2"]
    with pytest.raises(ValueError, match=r"missing \['b2'\]"):
        du.L_model_forward(np.ones((3, 2)), p)


def test_grads_missing_key():
    """update_parameters names the gradients it lacks."""
    p = du.initialize_parameters(3, 2, 1)
    grads = {"dW1": np.zeros((2, 3)), "db1": np.zeros((2, 1)), "dW2": np.zeros((1, 2))}
    with pytest.raises(ValueError, match=r"missing \['db2'\]"):
        du.update_parameters(p, grads, 0.1)


def test_grad_shape_mismatch():
    """A gradient of the wrong shape is named with both shapes."""
    p = du.initialize_parameters(3, 2, 1)
    grads = {"dW1": np.zeros((3, 2)), "db1": np.zeros((2, 1)),
             "dW2": np.zeros((1, 2)), "db2": np.zeros((1, 1))}
    with pytest.raises(ValueError, match=r"dW1 has shape \(3, 2\) but W1 has shape \(2, 3\)"):
        du.update_parameters(p, grads, 0.1)


@pytest.mark.parametrize("dims", [[12288], [12288, 0, 1], [12288, 7.5, 1], (12288, True)])
def test_bad_layer_dims(dims):
    """layer_dims needs at least two positive whole numbers."""
    with pytest.raises(ValueError, match="layer_dims"):
        du.initialize_parameters_deep(dims)


def test_bad_two_layer_sizes():
    """initialize_parameters names the bad size."""
    with pytest.raises(ValueError, match="n_h must be a positive whole number"):
        du.initialize_parameters(10, -1, 1)


def test_predict_label_shape(rng):
    """predict refuses labels whose shape differs from the predictions."""
    p = du.initialize_parameters_deep([4, 1])
    with pytest.raises(ValueError, match=r"y must have the shape of the predictions, \(1, 3\)"):
        du.predict(rng.standard_normal((4, 3)), np.array([1, 0, 1]), p)


def test_backward_cache_mismatch(rng):
    """dA of the wrong shape for the cached Z is caught."""
    with pytest.raises(ValueError, match="relu_backward: dA has shape"):
        du.relu_backward(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="sigmoid_backward: dA has shape"):
        du.sigmoid_backward(np.ones((2, 3)), np.ones((3, 2)))


def test_not_an_array():
    """A non-array argument is named with its type."""
    with pytest.raises(TypeError, match="W must be a numpy array, got dict"):
        du.linear_forward(np.ones((2, 2)), {"W": 1}, np.zeros((2, 1)))


def test_blas_thread_setting_is_checked(monkeypatch):
    """A bad DNN_APP_BLAS_THREADS value says what is allowed."""
    from dnn_app_utils._threads import configure_blas_threads
    monkeypatch.setenv("DNN_APP_BLAS_THREADS", "many")
    with pytest.raises(ValueError, match="whole number of threads"):
        configure_blas_threads()
