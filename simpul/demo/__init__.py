"""The demo app: ``manage.py seed_demo`` loads a populated, believable demo (see ``docs/demo.md``).

- :mod:`simpul.demo.network`: Dinas Sosial, the Suku Dinas, panti, partners, SKPDs, demo users;
- :mod:`simpul.demo.children`: the demo children and their cases, worked through the services;
- :mod:`simpul.demo.seed`: ``demo_seed`` / ``demo_reset``, the entry points.

Nothing outside this package imports it: it sits on top of every other app.
"""
