"""Request parameters: bracket-notation form decoding and a strict, Stripe-like schema validator."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .core import ApiError

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def parse_form(body: str) -> dict[str, Any]:
    """Decode `a[b][0][c]=v&tags[]=x` into nested dicts (list indexes stay string keys here;
    the schema turns digit-keyed dicts into lists)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        m = _KEY.match(key)
        parts = [m.group(1), *re.findall(r"\[([^\[\]]*)\]", m.group(2))] if m else [key]
        node = root
        for depth, part in enumerate(parts):
            if part == "" and depth:
                part = str(len(node))
            if depth == len(parts) - 1:
                if isinstance(node.get(part), dict):
                    raise _invalid_hash(key)
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise _invalid_hash(key)
                node = child
    return root


def _invalid_hash(param: str) -> ApiError:
    return ApiError(f"Invalid hash: {param} cannot be both a value and a hash", param=param, saved=False)


@dataclass(frozen=True)
class F:
    """A parameter's type: str|int|bool|currency|url|metadata|enum|obj|list."""

    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    fields: dict[str, F] = field(default_factory=dict)
    item: F | None = None
    minimum: int | None = None
    max_len: int | None = None

    @property
    def req(self) -> F:
        return replace(self, required=True)


def s(max_len: int | None = None) -> F:
    return F("str", max_len=max_len)


def i(minimum: int | None = 0) -> F:
    return F("int", minimum=minimum)


def b() -> F:
    return F("bool")


def cur() -> F:
    return F("currency")


def url() -> F:
    return F("url")


def md() -> F:
    return F("metadata")


def enum(*choices: str) -> F:
    return F("enum", choices=choices)


def obj(**fields: F) -> F:
    return F("obj", fields=fields)


def lst(item: F) -> F:
    return F("list", item=item)


EXPAND = lst(s())


def _name(prefix: str, key: str, v2: bool) -> str:
    if not prefix:
        return key
    return f"{prefix}.{key}" if v2 else f"{prefix}[{key}]"


def validate(raw: Any, fields: dict[str, F], *, v2: bool = False, prefix: str = "") -> dict[str, Any]:
    """Check `raw` against `fields`: unknown -> parameter_unknown, missing -> parameter_missing,
    coerce form strings to ints/bools. Returns the coerced params (blank optional values dropped)."""
    if not isinstance(raw, dict):
        raise ApiError(f"Invalid object: {prefix} must be an object", param=prefix or None, saved=False)
    for key in raw:
        if key not in fields:
            name = _name(prefix, key, v2)
            raise ApiError(f"Received unknown parameter: {name}", code="parameter_unknown",
                           param=name, saved=False)
    out: dict[str, Any] = {}
    for key, spec in fields.items():
        name = _name(prefix, key, v2)
        value = raw.get(key)
        if value is None or (value == "" and not v2):
            if spec.required:
                raise ApiError(f"Missing required param: {name}.", code="parameter_missing",
                               param=name, saved=False)
            continue
        out[key] = coerce(value, spec, name, v2)
    return out


def coerce(value: Any, spec: F, name: str, v2: bool) -> Any:
    """One value of type `spec` (form values arrive as strings, JSON values typed)."""
    def bad(msg: str, code: str | None = None) -> ApiError:
        return ApiError(msg, code=code, param=name, saved=False)

    kind = spec.kind
    if kind == "obj":
        return validate(value, spec.fields, v2=v2, prefix=name)
    if kind == "list":
        assert spec.item is not None
        if isinstance(value, dict) and not v2 and all(k.isdigit() for k in value):
            value = [value[k] for k in sorted(value, key=int)]
        if not isinstance(value, list):
            raise bad(f"Invalid array: {name} must be an array")
        return [coerce(v, spec.item, _name(name, str(n), v2), v2) for n, v in enumerate(value)]
    if kind == "metadata":
        if not isinstance(value, dict):
            raise bad(f"Invalid metadata: {name} must be a hash of string keys and values")
        if len(value) > 50:
            raise bad("Invalid metadata: at most 50 keys are allowed")
        for k, v in value.items():
            if not isinstance(v, str) or len(k) > 40 or len(v) > 500:
                raise bad(f"Invalid value for {name}[{k}]: keys must be strings of at most 40 "
                          "characters and values strings of at most 500 characters", "parameter_invalid")
        return {k: v for k, v in value.items() if v != ""}
    if kind == "int":
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value) and not v2:
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad(f"Invalid integer: {value}", "parameter_invalid_integer")
        if spec.minimum is not None and value < spec.minimum:
            raise bad(f"Invalid {'positive ' if spec.minimum else 'non-negative '}integer: "
                      f"{name} must be at least {spec.minimum}", "parameter_invalid_integer")
        return value
    if kind == "bool":
        if isinstance(value, str) and not v2 and value in ("true", "false"):
            return value == "true"
        if not isinstance(value, bool):
            raise bad(f"Invalid boolean: {value}")
        return value
    if not isinstance(value, str):
        raise bad(f"Invalid string: {name} must be a string")
    if kind == "enum" and value not in spec.choices:
        raise bad(f"Invalid {name}: must be one of {', '.join(spec.choices)}")
    if kind == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise bad(f"Invalid currency: {value.lower()}. Stripe currently supports three-letter "
                      "ISO currency codes.")
        return value.lower()
    if kind == "url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise bad("Not a valid URL", "url_invalid")
    if spec.max_len is not None and len(value) > spec.max_len:
        raise bad(f"Invalid {name}: must be at most {spec.max_len} characters",
                  "parameter_invalid_string")
    return value
