"""Old path of ``dnn_course.preprocessors.verify_runner``: ``verify.py`` still starts ``-m dnn_course.verify_runner``."""
import sys

from dnn_course.preprocessors.verify_runner import main

if __name__ == "__main__":
    main(sys.argv[1])
