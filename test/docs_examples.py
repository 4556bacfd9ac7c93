"""Reading the code examples out of the README and docs/, so the tests can run them."""

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    """A Python block, with the output shown in the ```text block right after it, if any."""

    document: Path
    line: int
    code: str
    output: str | None

    @property
    def name(self) -> str:
        return f"{self.document.name}:{self.line}"


def examples(document: Path) -> list[Example]:
    text = document.read_text(encoding="utf-8")
    blocks = list(_FENCE.finditer(text))
    found = []
    for index, block in enumerate(blocks):
        if block["lang"] != "python":
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        between = text[block.end() : following.start()] if following else ""
        output = following["body"] if following and following["lang"] == "text" and not between.strip() else None
        line = text.count("\n", 0, block.start()) + 1
        found.append(Example(document, line, block["body"], output))
    return found


def example_defining(name: str) -> Example:
    """The one example in the README or docs/ that defines `name`."""
    matches = [e for d in DOCUMENTS for e in examples(d) if re.search(rf"^def {name}\(", e.code, re.MULTILINE)]
    assert len(matches) == 1, f"expected one example defining {name}, found {len(matches)}"
    return matches[0]
