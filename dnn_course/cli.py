"""`dnn-course`: the instructor's command. `dnn-course --help` lists the commands."""
import argparse
import sys


def _demo(args):
    from .train_demo import run

    return run(data_dir=args.data, synthetic=args.synthetic,
               require_course_data=args.require_course_data)


def build_parser():
    parser = argparse.ArgumentParser(prog="dnn-course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train both models and print the course's numbers")
    demo.add_argument("--data", help="folder with the course's h5 files "
                      "(default: $DNN_APP_DATA, else ./datasets)")
    demo.add_argument("--synthetic", action="store_true",
                      help="use the generated stand-in dataset")
    demo.add_argument("--require-course-data", action="store_true",
                      help="fail instead of falling back to the synthetic data")
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
