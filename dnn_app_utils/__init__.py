"""Helper library for "Deep Neural Network for Image Classification: Application".

``from dnn_app_utils import *`` gives the notebook every helper it uses.
Arrays hold one example per column: X is (n_x, m), Y is (1, m).
Importing it changes no setting of the process (BLAS threads included); grading
and the benchmarks install a faster path with the same numbers (``speed.py``).
"""
from .activations import relu, relu_backward, sigmoid, sigmoid_backward
from .data import DataError, load_data
from .layers import (linear_activation_backward, linear_activation_forward,
                     linear_backward, linear_forward)
from .model import (L_model_backward, L_model_forward, compute_cost,
                    initialize_parameters, initialize_parameters_deep, predict,
                    update_parameters)
from .plots import plot_costs, print_mislabeled_images

__all__ = [
    "sigmoid", "relu", "relu_backward", "sigmoid_backward",
    "load_data", "DataError",
    "initialize_parameters", "initialize_parameters_deep",
    "linear_forward", "linear_activation_forward", "L_model_forward",
    "compute_cost",
    "linear_backward", "linear_activation_backward", "L_model_backward",
    "update_parameters", "predict",
    "print_mislabeled_images", "plot_costs",
]
