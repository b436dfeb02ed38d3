"""Embedding backends: torch, ONNX Runtime or OpenVINO, each optionally quantised to int8.

A model name may end in ``@<backend>`` (``packaged:all-MiniLM-L6-v2@openvino``); no suffix means
torch. Every other backend is exported from the local sentence-transformers folder (never
downloaded) once, and cached in ``RAG_MODEL_CACHE`` (default ``~/.cache/clinical-rag/models``) in a
folder keyed by the model path, the backend and this CPU's instruction set, written to a temporary
folder first and renamed into place. Because the backend is part of the model name, it is part of
the index manifest: vectors of different backends are never mixed silently.

- ``onnx``: ONNX Runtime, fp32.
- ``onnx-int8``: ONNX Runtime, dynamic int8 quantisation for this CPU (``avx512_vnni`` or ``avx2``).
- ``openvino``: OpenVINO with the fp32 model; on CPUs with AMX/AVX-512 bf16 OpenVINO runs it in
  bf16 by default (the fastest choice measured here, see BENCHMARKS.md).
- ``openvino-int8``: OpenVINO after NNCF static int8 quantisation, calibrated on the
  biomedical abstracts shipped in ``rag/embed/calibration.jsonl`` (PubMedQA, MIT licence).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rag.errors import ModelError

BACKENDS = ("torch", "onnx", "onnx-int8", "openvino", "openvino-int8")
CALIBRATION = Path(__file__).with_name("calibration.jsonl")
MAX_TOKENS = 256


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


def _file_name(backend: str) -> str:
    return {
        "onnx": "onnx/model.onnx",
        "onnx-int8": f"onnx/model_qint8_{_cpu_config()}.onnx",
        "openvino": "openvino/openvino_model.xml",
        "openvino-int8": "openvino/openvino_model_qint8.xml",
    }[backend]


def load_backend(path: str, backend: str, device: str) -> Any:
    """The sentence-transformers model at ``path`` running on ``backend`` (exported once, cached)."""
    from sentence_transformers import SentenceTransformer

    runtime = backend.split("-")[0]
    key = hashlib.sha256(f"{Path(path).resolve()}|{backend}|{_cpu_config()}".encode()).hexdigest()[:16]
    target = cache_root() / f"{Path(path).name}-{backend}-{key}"
    file_name = _file_name(backend)
    if not (target / file_name).exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
        try:
            shutil.copytree(path, tmp, dirs_exist_ok=True)
            exported = SentenceTransformer(str(tmp), backend=runtime, device=device)
            exported.save_pretrained(str(tmp))
            if backend == "onnx-int8":
                from sentence_transformers import export_dynamic_quantized_onnx_model

                export_dynamic_quantized_onnx_model(exported, _cpu_config(), str(tmp))
            elif backend == "openvino-int8":
                _quantize_openvino(tmp, exported.tokenizer)
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except ImportError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelError(
                f"the {backend} backend needs packages that are not installed ({exc}); "
                "install them with `pip install -e '.[fast]'`"
            ) from exc
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelError(f"could not export {path} for the {backend} backend: {exc}") from exc
    return SentenceTransformer(
        str(target), backend=runtime, device=device, model_kwargs={"file_name": file_name}
    )


def _quantize_openvino(folder: Path, tokenizer: Any) -> None:
    """NNCF post-training int8 quantisation of ``folder``'s OpenVINO model, calibrated locally."""
    import nncf
    import openvino as ov

    model = ov.Core().read_model(str(folder / _file_name("openvino")))
    names = [port.get_any_name() for port in model.inputs]
    texts = [json.loads(line)["text"] for line in CALIBRATION.open(encoding="utf-8")]
    samples = []
    for text in texts:
        encoded = tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
        samples.append({name: encoded[name] for name in names if name in encoded})
    quantized = nncf.quantize(
        model, nncf.Dataset(samples), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(samples)
    )
    ov.save_model(quantized, str(folder / _file_name("openvino-int8")))
