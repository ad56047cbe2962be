"""Safe YAML reading with line numbers, duplicate-key checks and size limits.

Only ``yaml.SafeLoader`` is used: a file from a stranger can build plain data
(mappings, lists, strings, numbers, booleans, null) and nothing else. Mappings
come back as :class:`Node` dicts that remember the line of each key, so that
validation can point at the offending line.
"""

import os
from typing import TYPE_CHECKING, Any

import yaml

from alliance_advisor.rules.errors import AdvisorError

# Limits for files that travel between people (see docs/reasoning.md, "Limits on input").
MAX_FILE_BYTES = 512_000  # a case or knowledge file larger than this is refused
MAX_DEPTH = 40  # nesting deeper than this is refused
MAX_NODES = 200_000  # YAML nodes after alias expansion (alias bombs)


class Node(dict[Any, Any]):
    """A mapping that remembers where it and each of its keys stood."""

    line: int | None = None
    key_lines: dict[Any, int] | None = None

    def line_of(self, key: object) -> int | None:
        if self.key_lines and key in self.key_lines:
            return self.key_lines[key]
        return self.line


# libyaml's parser when PyYAML has it (its wheels do): the same safe constructor,
# several times faster on large hostile files.
if TYPE_CHECKING:  # both loaders have the same API; the checker sees the Python one
    _SafeBase = yaml.SafeLoader
else:
    _SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):
    """SafeLoader that records lines and rejects duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Node:
        mapping = Node()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = key_lines = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise AdvisorError("a mapping key must be plain text", line=key_node.start_mark.line + 1) from None
            if key in mapping:
                raise AdvisorError(f"duplicate key '{key}'", line=key_node.start_mark.line + 1)
            mapping[key] = self.construct_object(value_node, deep=deep)
            key_lines[key] = key_node.start_mark.line + 1
        return mapping


def _construct_deep_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_deep_mapping)


def _check_shape(node: yaml.Node, path: str) -> None:
    """Refuse absurd nesting or alias expansion before constructing anything.

    Aliases point at shared nodes, so walking the graph visits a node once per
    reference: the count is the size the document would have once expanded.
    """
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    visited = 0
    while stack:
        current, level = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            raise AdvisorError(f"document expands to more than {MAX_NODES} nodes (too large, or an alias bomb)", path)
        if level > MAX_DEPTH:
            raise AdvisorError(f"nesting deeper than {MAX_DEPTH} levels", path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.append((k, level + 1))
                stack.append((v, level + 1))
        elif isinstance(current, yaml.SequenceNode):
            for v in current.value:
                stack.append((v, level + 1))


def _check_nesting(text: str, path: str) -> None:
    """Refuse deep nesting from the event stream (iterative), before the
    recursive composer could exhaust the stack."""
    depth = 0
    for event in yaml.parse(text, Loader=_SafeBase):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise AdvisorError(
                    f"nesting deeper than {MAX_DEPTH} levels",
                    path,
                    event.start_mark.line + 1 if event.start_mark else None,
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def parse_yaml_text(text: str, path: str, error_type: type[AdvisorError] = AdvisorError) -> Any:
    """Parse YAML text into plain data; any problem raises ``error_type``."""
    if len(text) > MAX_FILE_BYTES:
        raise error_type(f"file is larger than {MAX_FILE_BYTES // 1000} kB", path)
    loader = _Loader(text)
    try:
        _check_nesting(text, path)
        root = loader.get_single_node()
        if root is None:
            return None
        _check_shape(root, path)
        return loader.construct_document(root)
    except AdvisorError as exc:
        raise error_type(exc.message, path, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        raise error_type(f"not valid YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise error_type(f"not valid YAML: {exc}", path) from None
    except RecursionError:
        raise error_type("YAML structure too deeply nested", path) from None
    finally:
        loader.dispose()


def read_yaml_file(path: str | os.PathLike[str], error_type: type[AdvisorError] = AdvisorError) -> Any:
    """Read and parse one YAML file, turning every failure into ``error_type``."""
    path = os.fspath(path)
    try:
        if os.path.isdir(path):
            raise error_type("is a directory, not a YAML file", path)
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise error_type(f"file is larger than {MAX_FILE_BYTES // 1000} kB", path)
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise error_type("no such file", path) from None
    except PermissionError:
        raise error_type("permission denied", path) from None
    except OSError as exc:
        raise error_type(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error_type(f"not UTF-8 text (bad byte at offset {exc.start})", path) from None
    if not text.strip():
        raise error_type("file is empty", path)
    return parse_yaml_text(text, path, error_type)


def as_node(data: Any) -> Any:
    """Plain data (dicts and lists, as an editor builds them) as the YAML reader would
    give it, every mapping a Node, without lines: there is no text to point into."""
    if isinstance(data, dict):
        return Node((key, as_node(value)) for key, value in data.items())
    if isinstance(data, (list, tuple)):
        return [as_node(item) for item in data]
    return data
