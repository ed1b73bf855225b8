"""The shared elections fixture of the counting core's tests: skipped without the files, a failure on CI."""

from pbcount.tests.conftest import pbdata  # noqa: F401
