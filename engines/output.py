"""Writing an engine's files: generated text, and the hand-written files copied beside it."""
import os
import shutil
from typing import Iterable

HERE = os.path.dirname(os.path.abspath(__file__))


def fresh(root: str) -> None:
    """Empty ``root``: a generated tree holds nothing from an earlier run."""
    shutil.rmtree(root, ignore_errors=True)


def write(root: str, relative: str, text: str) -> None:
    """``text`` into ``root/relative``, directories made as needed."""
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


#: The project's license, as every generated artifact carries it (SPDX identifier and text).
LICENSE_ID = "Apache-2.0"


def copy_license(root: str) -> None:
    """The project's LICENSE into the generated tree's root."""
    with open(os.path.join(HERE, os.pardir, "LICENSE"), encoding="utf-8") as source:
        write(root, "LICENSE", source.read())


def copy_fixed(engine: str, root: str, relatives: Iterable[str]) -> None:
    """The hand-written files of ``engines/<engine>/`` into the generated tree, at the same paths."""
    for relative in relatives:
        with open(os.path.join(HERE, engine, relative), encoding="utf-8") as source:
            write(root, relative, source.read())
