"""Stripe's wire format as the fake speaks it: a request's flat form params in, Stripe's error bodies out."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any


@dataclass
class Call:
    """One request as received: path without query string; `form` = flat decoded params (body or query)."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


class StripeError(Exception):
    """An error answer: HTTP status and the `error` object of Stripe's `{"error": {...}}` body."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error["message"])
        self.status, self.error = status, error

    @property
    def body(self) -> str:
        return json.dumps({"error": self.error})


def _invalid(
    message: str, param: str | None = None, code: str | None = None, *, status: int = 400
) -> StripeError:
    error = {"type": "invalid_request_error", "message": message, "param": param, "code": code}
    return StripeError(status, {k: v for k, v in error.items() if v is not None})


def _missing(kind: str, id_: str, param: str, *, status: int = 404) -> StripeError:
    return _invalid(f"No such {kind}: '{id_}'", param, "resource_missing", status=status)


def parse_params(form: dict[str, str]) -> dict[str, Any]:
    """Rebuild nested params from Stripe's flat form keys: `a[b][0][c]=v` → {"a": {"b": [{"c": "v"}]}}."""
    root: dict[str, Any] = {}
    for key, value in form.items():
        parts = [key.split("[", 1)[0], *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise _invalid(f"Invalid params: {key} conflicts with another param", key)
        node[parts[-1]] = value
    nested: dict[str, Any] = _lists(root)
    return nested


def _lists(node: Any, key: str = "") -> Any:
    """Dicts whose keys are all indexes become lists (metadata keys stay as they are)."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v, k) for k, v in node.items()}
    if key != "metadata" and node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def _require(params: Any, name: str, param: str) -> Any:
    value = params.get(name) if isinstance(params, dict) else None
    if value in (None, "", {}, []):
        raise _invalid(f"Missing required param: {param}.", param)
    return value


def _int(value: Any, param: str, minimum: int = 0) -> int:
    if value is None:
        raise _invalid(f"Missing required param: {param}.", param)
    if not (isinstance(value, str) and value.isdigit() and int(value) >= minimum):
        raise _invalid(f"Invalid integer: {value!r} (must be ≥ {minimum})", param)
    return int(value)


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    value = params.get("metadata")
    return dict(value) if isinstance(value, dict) else {}
