"""Write the student edition's configuration (``make book-student``).

Jupyter Book's ``--config`` replaces the whole configuration instead of
merging, so this writes a copy of ``_config.yml`` with the student settings
to ``_build/_config_student.yml``:

- ``hide_solutions: true`` (book/_ext/hide_gated_solutions.py removes every
  solution, gated ones included);
- no copied sources, since the book's ``.ipynb`` files contain the solutions;
  the launch and download buttons offer the learner notebooks instead
  (book/_ext/learner_buttons.py; ``notebooks/``, no solutions), and pages
  without one keep only the print-to-PDF download;
- local extension paths made absolute, as Jupyter Book resolves them from the
  configuration file's folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml


def main(source: str = "_config.yml", target: str = "_build/_config_student.yml") -> int:
    config = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    sphinx = config["sphinx"]
    sphinx["config"]["hide_solutions"] = True
    sphinx["config"]["html_theme_options"]["use_download_button"] = True
    sphinx["config"]["html_copy_source"] = False
    sphinx["local_extensions"] = {
        name: os.path.abspath(path) for name, path in sphinx["local_extensions"].items()
    }
    config["title"] = f"{config['title']} (student edition)"
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
