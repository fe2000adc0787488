"""``ragagent serve``: an HTTP API, an OpenAI-compatible endpoint and a web chat page over one index.

>>> from ragagent import Settings
>>> from ragagent.server import create_app
>>> app = create_app(Settings(index=".ragagent"))      # doctest: +SKIP  (an ASGI app: uvicorn, or mount it)
"""

from ragagent.server.app import create_app
from ragagent.server.options import ServeOptions, check_bind

__all__ = ["ServeOptions", "check_bind", "create_app"]
