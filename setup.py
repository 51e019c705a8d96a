# setuptools needs this file only to build the cffi extension (cffi_modules).
from setuptools import setup

setup(cffi_modules=["bsdulator/native/build.py:ffi"])
