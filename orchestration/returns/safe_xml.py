"""Reading a return's XML without trusting it: no DTD, no entity expansion, no external entity
(defusedxml), and a file that is not well-formed fails naming its line and column.

Tags come back without namespaces ("{urn:...}Child" is "Child"): the returns' own specifications
name elements without them and DfE files are written either way.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse, parse


class XmlFileError(Exception):
    """The file cannot be read as XML; the message says where (line, column) and why."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        self.path = path
        self.line = line
        where = f", line {line}" if line else ""
        super().__init__(f"{path.name}{where}: {message}")


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else str(tag)


def parse_xml(path: Path) -> Element:
    """The document's root element with namespace-free tags."""
    try:
        root = parse(str(path), forbid_dtd=True).getroot()
    except ParseError as exc:
        line, column = exc.position
        raise XmlFileError(
            path, f"not well-formed XML ({_reason(exc)}, column {column + 1})", line
        ) from None
    except DefusedXmlException as exc:
        raise XmlFileError(path, _refusal(exc)) from None
    for element in root.iter():
        element.tag = local_name(element.tag)
    return root


def peek_elements(path: Path, limit: int = 200) -> list[str]:
    """The tags of the first `limit` elements (root first), read without parsing the rest, for
    recognising a file. Stops quietly at a fault: parse_xml reports it when the file is read."""
    tags: list[str] = []
    try:
        for _event, element in iterparse(str(path), events=("start",), forbid_dtd=True):
            tags.append(local_name(element.tag))
            if len(tags) >= limit:
                break
    except (ParseError, DefusedXmlException):
        pass
    return tags


def _reason(exc: ParseError) -> str:
    # expat's message ends with ": line N, column M"; the line is said once, by XmlFileError.
    return str(exc).split(":")[0]


def _refusal(exc: DefusedXmlException) -> str:
    name = type(exc).__name__
    if name == "DTDForbidden":
        return "the file declares a document type (DTD), which a return never has: refused"
    if name == "EntitiesForbidden":
        return "the file declares entities, which a return never has: refused"
    if name == "ExternalReferenceForbidden":
        return "the file refers to an external resource: refused"
    return f"refused as unsafe XML ({name})"
