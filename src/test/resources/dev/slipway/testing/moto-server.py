"""moto_server without two lookups moto 5.2.1 repeats on every request.

For each request moto lists its own package directory (about 180 stat calls, to ask whether the Host
header names a service) and inspects the response class for its method names: together about 5 ms of
the 9-12 ms a describe call costs on a 2-core machine. Both answers are fixed for the life of the
process, so they are computed once. The app, the models and the arguments are moto's own.
"""
import sys

import moto.backends
import moto.core.responses

_modules = tuple(moto.backends.list_of_moto_modules())
moto.backends.list_of_moto_modules = lambda: _modules

_method_names = {}
_inspect = moto.core.responses.method_names_from_class


def _cached_method_names(clazz):
    if clazz not in _method_names:
        _method_names[clazz] = _inspect(clazz)
    return list(_method_names[clazz])


moto.core.responses.method_names_from_class = _cached_method_names

from moto.server import main  # noqa: E402  (after the two replacements, which its imports must see)

sys.exit(main())
