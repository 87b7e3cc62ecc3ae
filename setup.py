"""Builds the optional compiled kernels (dnn_app_utils/_kernels.c).

Everything else is declared in pyproject.toml. The extension is optional: with
no C compiler the install still succeeds and the helpers use numpy alone
(slower, same numbers). `python -c "from dnn_app_utils import speed; print(speed.install())"`
tells which one an installation has.
"""
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildKernels(build_ext):
    def build_extensions(self):
        if self.compiler.compiler_type == "unix":      # gcc and clang
            for ext in self.extensions:
                ext.extra_compile_args += ["-O3", "-ffp-contract=fast", "-fno-math-errno"]
        super().build_extensions()


setup(
    ext_modules=[Extension("dnn_app_utils._kernels", ["dnn_app_utils/_kernels.c"],
                           depends=["dnn_app_utils/_kernels_impl.h", "dnn_app_utils/_kernels_pool.h"], optional=True)],
    cmdclass={"build_ext": BuildKernels},
)
