"""vLLM launch profiles and launcher for `koubo serve-llm` (never imports vllm itself)."""

from serving.vllm.launcher import (
    Profile,
    ProfileError,
    assistant_env,
    build_command,
    load_profiles,
    vllm_available,
    wait_for_health,
)

__all__ = [
    "Profile",
    "ProfileError",
    "assistant_env",
    "build_command",
    "load_profiles",
    "vllm_available",
    "wait_for_health",
]
