"""Gradio's built-in front-end strings (upload prompts, status, buttons) in Japanese whatever the browser's language.

Gradio 6 picks its front-end locale from the browser (``navigator.language``, or the language chosen in its settings
panel) and has no setting to fix it. What it does support is ``gr.I18n``: the app's translations reach the page config
(``i18n_translations``) and are added to the dictionary of each locale they name, and the front end's lookup
(svelte-i18n) takes a flat dotted key such as ``"upload_text.drop_file"`` before walking its own nested messages.
So an ``I18n`` that gives every locale Gradio ships (and ``en``, the fallback of unknown ones) Gradio's own Japanese
strings, read at start-up from the ja locale file in the installed package, shows those strings in Japanese in any
browser. Keys that Gradio's ja locale lacks keep Gradio's behaviour (the browser's language, else English).

The ja locale exists only as a compiled ES module in the package's front-end assets, found through the locale map
in the ``core-*.js`` chunk. It is read with a small parser for the literal subset that file uses (``var`` bindings to
template/quoted strings and object literals, then ``export{…}``). If anything is missing or unexpected, the cause is
logged and the app runs without the override (Gradio's own behaviour): a locale file never stops the app.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import gradio as gr

log = logging.getLogger(__name__)

ASSETS = Path(gr.__file__).resolve().parent / "templates" / "frontend" / "assets"
MAX_FILE_BYTES = 2_000_000  # the chunks are tens of kB; a bound on what is read whatever the package holds
MAX_DEPTH = 16  # the locale's messages nest two or three levels
# The locale map in Gradio's core chunk: "./lang/ja.json":()=>v(()=>import(`./ja-DL9AXTgr.js`),…
_LOCALE_ENTRY = re.compile(r'"\./lang/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.json":\(\)=>[^`]{0,80}`\./([\w.-]{1,100}\.js)`')
# Tokens of the literal subset; every alternative is linear (no nested quantifiers).
_TOKEN = re.compile(
    r"\s*(?:(?P<tpl>`[^`\\]*(?:\\.[^`\\]*)*`)|(?P<str>\"[^\"\\]*(?:\\.[^\"\\]*)*\"|'[^'\\]*(?:\\.[^'\\]*)*')"
    r"|(?P<name>[A-Za-z_$][\w$]*)|(?P<num>\d+)|(?P<punct>[{}=,:;]))",
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": ""}


class LocaleFileError(ValueError):
    """Gradio's locale assets are missing or not in the shape this reader knows."""


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "ux" and len(e) > 1:
            code = int(e[1:].strip("{}"), 16)
            if code > 0x10FFFF:
                raise LocaleFileError(f"escape \\{e} is not a Unicode code point")
            return chr(code)
        return _SIMPLE_ESCAPES.get(e, e)

    return _ESCAPE.sub(one, body)


class _Reader:
    """Reads ``var a=…,b={k:`v`,…},…;export{a as x,…};`` into the value exported as ``default``."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0
        self.bindings: dict[str, object] = {}

    def _next(self) -> tuple[str, str]:
        m = _TOKEN.match(self.text, self.pos)
        if not m or m.end() == self.pos:
            raise LocaleFileError(f"unexpected text at offset {self.pos}: {self.text[self.pos:self.pos + 40]!r}")
        self.pos = m.end()
        kind = m.lastgroup or ""
        return kind, m.group(kind)

    def _expect(self, value: str) -> None:
        _, tok = self._next()
        if tok != value:
            raise LocaleFileError(f"expected {value!r} before offset {self.pos}, found {tok!r}")

    def _value(self, depth: int = 0) -> object:
        if depth > MAX_DEPTH:
            raise LocaleFileError(f"objects nested deeper than {MAX_DEPTH} before offset {self.pos}")
        kind, tok = self._next()
        if kind == "tpl":
            if "${" in tok:
                raise LocaleFileError(f"template with a substitution before offset {self.pos}")
            return _unescape(tok[1:-1])
        if kind == "str":
            return _unescape(tok[1:-1])
        if kind == "name":
            if tok not in self.bindings:
                raise LocaleFileError(f"reference to unknown binding {tok!r} before offset {self.pos}")
            return self.bindings[tok]
        if tok == "{":
            obj: dict[str, object] = {}
            kind, tok = self._next()
            while tok != "}":
                if kind not in ("name", "str", "num"):
                    raise LocaleFileError(f"unexpected key {tok!r} before offset {self.pos}")
                key = _unescape(tok[1:-1]) if kind == "str" else tok
                self._expect(":")
                obj[key] = self._value(depth + 1)
                kind, tok = self._next()
                if tok == ",":
                    kind, tok = self._next()
                elif tok != "}":
                    raise LocaleFileError(f"expected ',' or '}}' before offset {self.pos}, found {tok!r}")
            return obj
        raise LocaleFileError(f"unexpected {tok!r} before offset {self.pos}")

    def default_export(self) -> object:
        self._expect("var")
        while True:
            kind, name = self._next()
            if kind != "name":
                raise LocaleFileError(f"expected a binding name before offset {self.pos}, found {name!r}")
            self._expect("=")
            self.bindings[name] = self._value()
            _, tok = self._next()
            if tok == ";":
                break
            if tok != ",":
                raise LocaleFileError(f"expected ',' or ';' before offset {self.pos}, found {tok!r}")
        self._expect("export")
        self._expect("{")
        while True:
            _, local = self._next()
            self._expect("as")
            _, exported = self._next()
            if exported == "default":
                if local not in self.bindings:
                    raise LocaleFileError(f"default export {local!r} is not a binding")
                return self.bindings[local]
            _, tok = self._next()
            if tok != ",":
                raise LocaleFileError("the module has no default export")


def _flatten(tree: object, prefix: str = "") -> dict[str, str]:
    if not isinstance(tree, dict):
        raise LocaleFileError("the locale's messages are not an object")
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if not prefix and key.startswith("_"):
            continue  # _name: the language's own name, shown in the settings panel's language list
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, str):
            flat[prefix + key] = value
    return flat


def _read(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise LocaleFileError(f"{path} is larger than {MAX_FILE_BYTES} bytes")
    return path.read_text(encoding="utf-8")


def locale_files(assets: Path = ASSETS) -> dict[str, Path]:
    """Gradio's front-end locales and their compiled message files, from the map in its core chunk."""
    for core in sorted(assets.glob("core-*.js")):
        found = {code: assets / name for code, name in _LOCALE_ENTRY.findall(_read(core))}
        if found:
            return found
    raise LocaleFileError(f"no core-*.js chunk with a locale map in {assets}")


def builtin_strings(lang: str = "ja", assets: Path = ASSETS) -> dict[str, str]:
    """Gradio's built-in front-end strings for ``lang`` as flat dotted keys (``upload_text.drop_file`` → text)."""
    return _strings(locale_files(assets), lang)


def _strings(files: dict[str, Path], lang: str) -> dict[str, str]:
    """:func:`builtin_strings` from the locale map ``files`` already read."""
    if lang not in files:
        raise LocaleFileError(f"Gradio ships no {lang!r} locale (it has {', '.join(sorted(files))})")
    strings = _flatten(_Reader(_read(files[lang])).default_export())
    if not strings:
        raise LocaleFileError(f"{files[lang]} holds no strings")
    return strings


@lru_cache(maxsize=4)
def fixed_locale_i18n(lang: str = "ja", assets: Path = ASSETS) -> gr.I18n | None:
    """A ``gr.I18n`` giving every browser locale Gradio's built-in ``lang`` strings; None (logged) if unreadable."""
    try:
        files = locale_files(assets)  # the core chunk is read once
        strings = _strings(files, lang)
        locales = sorted(set(files) | {"en"})
    except (OSError, ValueError, RecursionError) as exc:  # LocaleFileError and UnicodeDecodeError are ValueErrors
        log.error("Gradio's built-in UI strings stay in the browser's language: cannot read its %r locale from %s: %s",
                  lang, assets, exc)
        return None
    log.info("Gradio's built-in UI strings: %d %r strings for %d browser locales", len(strings), lang, len(locales))
    return gr.I18n(**{code: dict(strings) for code in locales})
