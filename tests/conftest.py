"""Shared fixtures. The udata ones start the real udata server used by the publish tests."""

from tests.udata.fixtures import fault_proxy, udata_server  # noqa: F401
