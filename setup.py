"""The one compiled part: verifier/tree/_fastverify.c (see its header for why), linked
against OpenSSL's libcrypto for SHA-256. Everything else is declared in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "verifier.tree._fastverify",
            ["verifier/tree/_fastverify.c"],
            libraries=["crypto"],
            extra_compile_args=[
                "-O2",
                "-std=c11",
                "-Wall",
                "-Wno-deprecated-declarations",
                "-pthread",
            ],
            extra_link_args=["-pthread"],
        )
    ]
)
