"""`koubo audit export`: the audit log of staff actions as JSONL."""

from __future__ import annotations

import argparse
import getpass
import io
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="監査ログを書き出す (export the audit log)")
    actions = p.add_subparsers(dest="audit_action", metavar="{export}", required=True)
    ex = actions.add_parser("export", help="every record, oldest first, one JSON object a line")
    ex.add_argument("--out", type=Path, help="file to write (default: standard output)")
    ex.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from assistant.domain.config import load_settings
    from serving.audit import audit, export_jsonl
    from serving.storage import Storage

    storage = Storage(load_settings().sqlite_path)
    # The export is itself a staff action, recorded first so the file holds it.
    audit(storage, f"cli:{getpass.getuser()}", "audit.export", "audit", "", {"out": str(args.out or "-")})
    buf = io.StringIO()
    n = export_jsonl(storage, buf)
    if args.out:
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_text(buf.getvalue(), encoding="utf-8")
        tmp.replace(args.out)
        print(f"監査ログ {n} 件を {args.out} に書き出しました。", file=sys.stderr)
    else:
        sys.stdout.write(buf.getvalue())
    return 0
