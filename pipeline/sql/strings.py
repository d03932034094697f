"""The string formats as frictionless 5 checks them, in SQL (conditions over the raw cell).

* ``email``: the ``validators`` package (``validators.email``): one ``@``, a user part of at
  most 64 characters matching its dot-atom / quoted-string expression, a domain of at most
  253 characters matching its domain expression once encoded with IDNA. Domains with
  non-ASCII characters would need that encoding (punycode): they are refused (a listed
  deviation).
* ``uri``: ``rfc3986``'s validator requiring a scheme: the cell starts with
  ``scheme ":"``.
* ``uuid``: ``uuid.UUID(cell)``: ``urn:``/``uuid:`` removed, braces stripped, dashes removed,
  then 32 characters that ``int(…, 16)`` reads.
* ``binary``: ``base64.b64decode(cell)`` (not strict): ASCII only, characters outside the
  alphabet ignored, then the padding rules of ``binascii.a2b_base64``."""

from __future__ import annotations

import re

from pipeline.sql import literal
from pipeline.sql.pyregex import space_items, translate

_EXT = "\\x{a0}-\\x{ff}\\x{100}-\\x{17f}\\x{180}-\\x{24f}"
# validators.email's user part, read by Python's re with IGNORECASE (Python's $ before a
# final newline included): translated once from its own source expression.
_USER_PY = (
    r"(^[\u0100-\u017F\u0180-\u024F\u00A0-\u00FF]"
    r"|[\u0100-\u017F\u0180-\u024F\u00A0-\u00FF0-9a-z!#$%&'*+/=?^_`{}|~\-]+"
    r"(\.[\u0100-\u017F\u0180-\u024F\u00A0-\u00FF0-9a-z!#$%&'*+/=?^_`{}|~\-]+)*$"
    r'|^"('
    r"[\u0100-\u017F\u0180-\u024F\u00A0-\u00FF\001-\010\013\014\016-\037"
    r"!#-\[\]-\177]|\\[\011.]"
    r')*")$'
)
_DOMAIN = r"(?i)\A(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9][a-z0-9-]{0,61}[a-z](?:\n?\z)"


def email_ok(raw: str) -> str:
    user = f"split_part({raw}, '@', 1)"
    domain = f"split_part({raw}, '@', 2)"
    spaces = "[" + space_items() + "]|__"
    return (
        f"(length({raw}) - length(replace({raw}, '@', '')) = 1 "
        f"AND length({user}) <= 64 AND length({domain}) <= 253 "
        f"AND regexp_matches({user}, {literal(translate(_USER_PY, re.IGNORECASE))}) "
        f"AND strlen({domain}) = length({domain}) "
        f"AND NOT regexp_matches({domain}, {literal(spaces)}) "
        f"AND regexp_matches({domain}, {literal(_DOMAIN)}))"
    )


def uri_ok(raw: str) -> str:
    return f"regexp_matches({raw}, '\\A[a-zA-Z][a-zA-Z0-9+.-]*:')"


def uuid_ok(raw: str) -> str:
    hexa = f"replace(trim(replace(replace({raw}, 'urn:', ''), 'uuid:', ''), '{{}}'), '-', '')"
    space = "[" + space_items() + "]*"
    digit = "[0-9a-fA-F\\p{Nd}]"
    int16 = f"\\A{space}[+-]?(?:0[xX]_?)?{digit}(?:_?{digit})*{space}\\z"
    return f"(length({hexa}) = 32 AND regexp_matches({hexa}, {literal(int16)}))"


def binary_ok(raw: str) -> str:
    """``base64.b64decode``: the states of ``a2b_base64`` (non-strict) as an expression over
    the alphabet characters and ``=``: complete quads, then the end or a padding that stops
    the reading (``xx==`` or ``xxx=``), after which anything is ignored."""
    kept = f"regexp_replace({raw}, '[^A-Za-z0-9+/=]', '', 'g')"
    d = "[A-Za-z0-9+/]"
    quad = f"=*{d}=*{d}=?{d}{d}"
    ends = f"=*|=*{d}=*{d}(?:==|=?{d}=)(?s:.)*"
    return f"(strlen({raw}) = length({raw}) AND regexp_full_match({kept}, {literal(f'(?:{quad})*(?:{ends})')}))"
