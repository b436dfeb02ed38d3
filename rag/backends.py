"""Embedding backends: torch (default), or ONNX Runtime with dynamic int8 quantisation.

``onnx-int8`` exports the sentence-transformers model to ONNX locally (no download) and quantises
it for this CPU (``avx512_vnni`` where the processor has it, else ``avx2``). The result is cached
in ``RAG_MODEL_CACHE`` (default ``~/.cache/clinical-rag/models``), in a folder keyed by the model
and backend, written to a temporary folder first and renamed into place. The backend is part of the
embedder's name (``model@onnx-int8``) and so of the index manifest: vectors of different backends
are never mixed silently. Needs the ``fast`` extra (``pip install -e '.[fast]'``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rag.errors import ModelError

BACKENDS = ("torch", "onnx-int8")


def split_name(name: str) -> tuple[str, str]:
    """``"model@onnx-int8"`` → ``("model", "onnx-int8")``; no suffix means torch."""
    model, _, backend = name.partition("@")
    backend = backend or "torch"
    if backend not in BACKENDS:
        raise ModelError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return model, backend


def cache_root() -> Path:
    return Path(os.environ.get("RAG_MODEL_CACHE") or Path.home() / ".cache" / "clinical-rag" / "models")


def _cpu_config() -> str:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        flags = ""
    return "avx512_vnni" if "avx512_vnni" in flags else "avx2"


def load_onnx_int8(path: str, device: str) -> Any:
    """The int8 ONNX model for the sentence-transformers folder ``path`` (exported once, cached)."""
    from sentence_transformers import SentenceTransformer

    config = _cpu_config()
    key = hashlib.sha256(f"{Path(path).resolve()}|{config}".encode()).hexdigest()[:16]
    target = cache_root() / f"{Path(path).name}-onnx-int8-{key}"
    file_name = f"onnx/model_qint8_{config}.onnx"
    if not (target / file_name).exists():
        try:
            from sentence_transformers import export_dynamic_quantized_onnx_model
        except ImportError as exc:
            raise ModelError("the onnx-int8 backend needs `pip install -e '.[fast]'`") from exc
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
        try:
            shutil.copytree(path, tmp, dirs_exist_ok=True)
            exported = SentenceTransformer(str(tmp), backend="onnx", device=device)
            export_dynamic_quantized_onnx_model(exported, config, str(tmp))
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelError(f"could not export {path} to ONNX int8: {exc}") from exc
    return SentenceTransformer(
        str(target), backend="onnx", device=device, model_kwargs={"file_name": file_name}
    )
