"""``dnn-course train``: train both models with the reference solutions, print the course's numbers.

Uses the course data when it is there; otherwise the generated synthetic
stand-in, announced in a banner (the numbers then differ from the course's).
"""
import contextlib
import io
import time
from pathlib import Path

from dnn_app_utils import load_data, predict
from dnn_app_utils.data import SYNTHETIC, DataError, resolve_data_dir

from dnn_course.course import course_numbers as spec
from dnn_course.course.facts import L_LAYER_DIMS, L_LAYER_MODEL, TWO_LAYER_DIMS, TWO_LAYER_MODEL
from dnn_course.course.solutions import load_solutions

MODELS = (
    (TWO_LAYER_MODEL, f"2-layer network {TWO_LAYER_DIMS}", TWO_LAYER_DIMS,
     spec.TWO_LAYER_COSTS, spec.TWO_LAYER_ACCURACY),
    (L_LAYER_MODEL, f"L-layer network {list(L_LAYER_DIMS)}", list(L_LAYER_DIMS),
     spec.L_LAYER_COSTS, spec.L_LAYER_ACCURACY),
)


def choose_data(data_dir: str | None = None, synthetic: bool = False,
                require_course_data: bool = False) -> tuple[Path | str, bool]:
    """Return (load_data argument, is_course_data), announcing a fallback."""
    if synthetic:
        return SYNTHETIC, False
    folder, how = resolve_data_dir(data_dir)
    if folder == SYNTHETIC:
        return SYNTHETIC, False
    try:
        load_data(data_dir)  # resolves as above; its error names how it chose
        return folder, True
    except DataError as e:
        if require_course_data:
            raise
        print("=" * 78)
        print(f"The course data is not available ({e})")
        print("This demo runs on the SYNTHETIC stand-in dataset instead: its")
        print("numbers are NOT the course's expected output.")
        print("=" * 78)
        return SYNTHETIC, False


def _predict_line(X, y, parameters):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        predict(X, y, parameters)
    return out.getvalue().strip()


def run(data_dir: str | None = None, synthetic: bool = False, require_course_data: bool = False,
        iterations: int = 2500) -> int:
    """Train both models and print costs and accuracies; return 0 if all match."""
    source, is_course = choose_data(data_dir, synthetic, require_course_data)
    train_x_orig, train_y, test_x_orig, test_y, _ = load_data(source)
    train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0
    test_x = test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.0
    print(f"Data: {'course data in ' + str(source) if is_course else 'SYNTHETIC stand-in'}; "
          f"train_x {train_x.shape}, test_x {test_x.shape}")
    solutions = load_solutions()
    mismatches = 0
    for name, title, dims, gold_costs, gold_acc in MODELS:
        print(f"\n== {title}, {iterations} iterations, learning rate 0.0075 ==")
        start = time.perf_counter()
        parameters, costs = solutions[name](train_x, train_y, dims,
                                            num_iterations=iterations, print_cost=True)
        seconds = time.perf_counter() - start
        acc = (_predict_line(train_x, train_y, parameters),
               _predict_line(test_x, test_y, parameters))
        print(f"train {acc[0]}\ntest  {acc[1]}\n({seconds:.1f} s)")
        if is_course and iterations == 2500:
            worst = max(abs(float(c) - g) / g for c, g in zip(costs, gold_costs))
            ok = len(costs) == len(gold_costs) and worst <= spec.REL and acc == gold_acc
            mismatches += not ok
            print(f"Course numbers: {'match' if ok else 'DIFFER'} "
                  f"(25 cost checkpoints, worst relative difference {worst:.1e}; "
                  f"accuracy lines {'identical' if acc == gold_acc else 'differ'})")
    if not is_course:
        print("\nReminder: these numbers come from the SYNTHETIC stand-in dataset.")
    return 1 if mismatches else 0
