"""Build a tiny random-weight Qwen2-style model that vLLM can serve, entirely offline.

The tokenizer is a byte-level BPE trained on the corpus texts (so Japanese questions tokenise sensibly);
the chat template is the Qwen2.5/hermes one, with ``<tool_call>`` tags, so vLLM's ``hermes`` tool parser
and the production code path are exercised. Weights are random: the model's words are noise, but
constrained decoding (a forced, strict tool) still yields schema-valid arguments.
"""

from __future__ import annotations

import json
from pathlib import Path

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>"]

# Qwen2.5's template, trimmed: tools go into the system turn, tool calls are <tool_call>{json}</tool_call>,
# tool results come back as a user turn wrapped in <tool_response>.
CHAT_TEMPLATE = r"""{%- if tools %}
{{- '<|im_start|>system\n' }}
{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}{%- else %}{{- 'You are a helpful assistant.' }}{%- endif %}
{{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
{%- for tool in tools %}{{- "\n" }}{{- tool | tojson }}{%- endfor %}
{{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}{%- endif %}
{%- endif %}
{%- for message in messages %}
{%- if message.role == 'user' or (message.role == 'system' and not loop.first) or (message.role == 'assistant' and not message.tool_calls) %}
{{- '<|im_start|>' + message.role + '\n' + (message.content or '') + '<|im_end|>\n' }}
{%- elif message.role == 'assistant' %}
{{- '<|im_start|>assistant' }}{%- if message.content %}{{- '\n' + message.content }}{%- endif %}
{%- for tool_call in message.tool_calls %}{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}
{{- '\n<tool_call>\n{"name": "' + tool_call.name + '", "arguments": ' }}{%- if tool_call.arguments is string %}{{- tool_call.arguments }}{%- else %}{{- tool_call.arguments | tojson }}{%- endif %}{{- '}\n</tool_call>' }}
{%- endfor %}
{{- '<|im_end|>\n' }}
{%- elif message.role == 'tool' %}
{%- if loop.index0 == 0 or messages[loop.index0 - 1].role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}
{{- '\n<tool_response>\n' + (message.content or '') + '\n</tool_response>' }}
{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<|im_end|>\n' }}{%- endif %}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}"""


def corpus_texts(corpus_dir: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(corpus_dir.glob("*.txt"))]


def tool_call_texts(tool_names: list[str]) -> list[str]:
    """The tool-call envelopes, repeated so BPE merges each into a few tokens.

    Constrained decoding forces the envelope token by token; with character-level tokens it alone would
    use up a small ``max_tokens``.
    """
    out = []
    for name in tool_names:
        for sep in ("", "\n"):
            out.extend([f'<tool_call>{sep}{{"name": "{name}", "arguments": {{"'] * 50)
            out.extend([f'{{"name": "{name}", "arguments": {{"'] * 50)
    return out


def build_tiny_model(
    out_dir: Path, texts: list[str], vocab_size: int = 8000, seed: int = 0, tool_names: list[str] = ()
) -> Path:
    """Write tokenizer + config + weights to ``out_dir`` (a folder vLLM can serve); return it.

    Weights are random except two things that make a random model usable under constrained decoding:
    residual dimension 0 is a large constant in every token embedding, and the (untied) output head reads
    only that dimension, so the logits are a fixed per-token preference. The preference puts
    end-of-turn first and whitespace last: a forced tool call then closes its JSON as soon as the schema
    allows (instead of emitting whitespace until ``max_tokens``), and free text ends at once.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    out_dir.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    # The template's own English and JSON punctuation must tokenise too.
    tok.train_from_iterator([*texts, CHAT_TEMPLATE, *tool_call_texts(list(tool_names))], trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
        model_max_length=32768,
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out_dir)
    # <tool_call> tags must stay ordinary (non-special) added tokens: the hermes parser reads them from the
    # decoded text, and special tokens are stripped when decoding.
    _finish_tokenizer_files(out_dir)

    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(fast),
        # vLLM's CPU attention kernels only support some head sizes (64 works; 16 fails at the first
        # request with "Unsupported CPU attention configuration"), so heads are few but 64 wide.
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=32768,
        tie_word_embeddings=False,
        bos_token_id=fast.convert_tokens_to_ids("<|endoftext|>"),
        eos_token_id=fast.convert_tokens_to_ids("<|im_end|>"),
        torch_dtype="float32",
    )
    model = Qwen2ForCausalLM(config)
    _shape_preferences(model, fast)
    model.save_pretrained(out_dir, safe_serialization=True)
    return out_dir


def _shape_preferences(model, tokenizer) -> None:
    import torch

    vocab = len(tokenizer)
    pref = torch.empty(vocab).uniform_(-1.0, 0.0)
    for tid in range(vocab):
        text = tokenizer.decode([tid])
        if text and not text.strip():
            pref[tid] = -10.0  # whitespace: never, unless the grammar allows nothing else
        elif "," in text:
            pref[tid] = -3.0  # no further array items or optional keys than the schema requires
    # Token ids vary between BPE trainings, so every choice that decides the length is fixed here.
    for token, value in (("}", 4.0), ("]", 4.0), ("1", 3.0), ("<tool_call>", -5.0)):
        tid = tokenizer.convert_tokens_to_ids(token)
        if tid is not None and tid != tokenizer.unk_token_id:
            pref[tid] = value
    pref[tokenizer.convert_tokens_to_ids("<|im_end|>")] = 6.0
    with torch.no_grad():
        model.model.embed_tokens.weight[:, 0] = 10.0
        model.model.norm.weight.zero_()
        model.model.norm.weight[0] = 1.0
        model.lm_head.weight.zero_()
        model.lm_head.weight[:, 0] = pref


def _finish_tokenizer_files(out_dir: Path) -> None:
    cfg_path = out_dir / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    # transformers 5 writes chat_template.jinja; older readers (and people) look in tokenizer_config.json.
    cfg["chat_template"] = CHAT_TEMPLATE
    for entry in cfg.get("added_tokens_decoder", {}).values():
        if entry.get("content") in ("<tool_call>", "</tool_call>"):
            entry["special"] = False
    cfg_path.write_text(json.dumps(cfg, ensure_ascii=False, indent=2), encoding="utf-8")
    tj_path = out_dir / "tokenizer.json"
    tj = json.loads(tj_path.read_text(encoding="utf-8"))
    for entry in tj.get("added_tokens", []):
        if entry.get("content") in ("<tool_call>", "</tool_call>"):
            entry["special"] = False
    tj_path.write_text(json.dumps(tj, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parents[2]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/koubo-tiny-model")
    names = ["subsidy_rate", "subsidy_amount", "gpu_node_plan", "programme_schedule"]
    print(build_tiny_model(target, corpus_texts(root / "corpus" / "documents"), tool_names=names))
