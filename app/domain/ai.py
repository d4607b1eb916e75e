"""Suspected AI components: hints, kept as ruleset data, that a component nobody marked as
AI is one all the same (PRODUCT.md section 3). Real AI-BOM generators write models as hub
packages typed `library`, weights as `file` or `data` components, and hosted models as plain
services; a compliance gate that waits for an explicit signal misses all of them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Components of these types are provenance (training data), never models by purl type.
_DATA = "data"
_WEIGHT_CARRIERS = frozenset({"file", "data"})
_WORD = re.compile(r"[a-z0-9]+")


_SERVICE_WORDS = frozenset(
    {"llm", "gpt", "openai", "chatgpt", "claude", "gemini", "anthropic", "bedrock", "mistral",
     "llama", "qwen", "deepseek", "ernie", "copilot", "embeddings", "genai", "inference"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AiHints:
    """What makes a component a suspected AI component; the operator maintains the lists."""

    # purl types of model hubs.
    purl_types: frozenset[str] = frozenset({"huggingface", "mlflow"})
    # File extensions of model weights and serialised models.
    weight_extensions: tuple[str, ...] = (
        ".gguf", ".ggml", ".safetensors", ".onnx", ".pt", ".pth", ".tflite", ".mlmodel",
        ".mlpackage", ".pb", ".h5", ".keras", ".ckpt", ".pkl", ".joblib", ".engine",
        ".llamafile", ".nemo", ".caffemodel",
    )  # fmt: skip
    # Hosts or paths of hosted-AI APIs, matched inside a service's endpoints.
    service_endpoints: tuple[str, ...] = (
        "api.openai.com", "openai.azure.com", "api.anthropic.com", "bedrock-runtime",
        "generativelanguage.googleapis.com", "aiplatform.googleapis.com", "api.mistral.ai",
        "api.cohere.ai", "api.cohere.com", "inference.huggingface.co",
        "api-inference.huggingface.co",
        "api.groq.com", "api.together.xyz", "api.deepseek.com", "dashscope.aliyuncs.com",
        "dashscope-intl.aliyuncs.com", "qianfan.baidubce.com", "ark.cn-beijing.volces.com",
        "api.moonshot.cn", "open.bigmodel.cn",
        # Azure OpenAI's path, whichever host the resource has (*.openai.azure.com, or
        # *.cognitiveservices.azure.com for resources made since 2024).
        "/openai/deployments/",
        "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages",
    )  # fmt: skip
    # Whole words in a service's name that name a hosted model or a model API.
    service_words: frozenset[str] = _SERVICE_WORDS


DEFAULT_AI_HINTS = AiHints()


def purl_type(purl: str | None) -> str | None:
    if not purl or not purl.startswith("pkg:"):
        return None
    return purl[4:].split("/", 1)[0].lower()


def _weights_file(text: str, extensions: tuple[str, ...]) -> bool:
    path = text.split("?", 1)[0].split("#", 1)[0].rstrip("/").lower()
    return path.endswith(extensions)


def suspected_hint(
    *,
    type_: str,
    name: str,
    purl: str | None,
    artifacts: Iterable[str],
    nested_in_ai: bool,
    hints: AiHints,
) -> str | None:
    """Why a component without an explicit AI signal is suspected of being one, or None."""
    kind = purl_type(purl)
    if kind is not None and kind in hints.purl_types and type_ != _DATA:
        return f"its purl is a {kind} model-hub package ({purl})"
    if type_ in _WEIGHT_CARRIERS and not nested_in_ai:
        for candidate in (name, *artifacts):
            if candidate and _weights_file(candidate, hints.weight_extensions):
                return f"{candidate} is a model-weights file"
    if type_ == "service":
        for endpoint in artifacts:
            lowered = endpoint.lower()
            hit = next((hint for hint in hints.service_endpoints if hint in lowered), None)
            if hit is not None:
                return f"it calls a hosted AI API ({endpoint})"
        words = set(_WORD.findall(name.lower()))
        named = sorted(words & hints.service_words)
        if named:
            return f"its name names a hosted AI model or API ({', '.join(named)})"
    return None
