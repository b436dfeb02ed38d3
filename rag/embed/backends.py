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
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import ModelError

CALIBRATION = Path(__file__).with_name("calibration.jsonl")
MAX_TOKENS = 256
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backend:
    """How one ``@backend`` suffix runs a sentence-transformers model."""

    name: str  # the ``@name`` suffix of model names
    runtime: str  # sentence-transformers' ``backend=``: torch, onnx or openvino
    file_name: Callable[[], str] | None = None  # the exported model file (None: the folder as it is)
    quantize: Callable[[Path, Any], None] | None = None  # after export: (folder, exported model)


def _onnx_int8_file() -> str:
    return f"onnx/model_qint8_{_cpu_config()}.onnx"


def _quantize_onnx(folder: Path, exported: Any) -> None:
    from sentence_transformers import export_dynamic_quantized_onnx_model  # only for this backend

    export_dynamic_quantized_onnx_model(exported, _cpu_config(), str(folder))


OPENVINO_FILE = "openvino/openvino_model.xml"
OPENVINO_INT8_FILE = "openvino/openvino_model_qint8.xml"
BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("torch", "torch"),
        Backend("onnx", "onnx", lambda: "onnx/model.onnx"),
        Backend("onnx-int8", "onnx", _onnx_int8_file, _quantize_onnx),
        Backend("openvino", "openvino", lambda: OPENVINO_FILE),
        Backend(
            "openvino-int8",
            "openvino",
            lambda: OPENVINO_INT8_FILE,
            lambda folder, exported: _quantize_openvino(folder, exported.tokenizer),
        ),
    )
}


def split_name(name: str) -> tuple[str, Backend]:
    """``"model@onnx-int8"`` → ``("model", BACKENDS["onnx-int8"])``; no suffix means torch."""
    model, _, suffix = name.partition("@")
    backend = BACKENDS.get(suffix or "torch")
    if backend is None:
        raise ModelError(f"unknown embedding backend {suffix!r}; choose one of {', '.join(BACKENDS)}")
    return model, backend


class _DropProbeWarning(logging.Filter):
    """optimum probes the Hugging Face hub cache for every local folder when HF_HUB_OFFLINE=1 and logs
    the ``os.path.join(None, …)`` it hits there as a warning ("Could not infer whether the model was
    already converted … expected str, bytes or os.PathLike object, not NoneType"). We pass the exported
    file ourselves, so the probe's guess is never used: drop that one message, nothing else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Could not infer whether the model was already converted")


for _name in ("optimum.intel.openvino.modeling_base", "optimum.onnxruntime.modeling"):
    logging.getLogger(_name).addFilter(_DropProbeWarning())


@contextmanager
def _deliberate_export() -> Iterator[None]:
    """Silence the libraries' advice about an export we asked for ("Exporting the model…", "Saving the
    exported model is heavily recommended", ``loss_type=None`` of the config, torch's TracerWarning about
    constant tensors in the attention mask); errors still surface as exceptions."""
    loggers = [logging.getLogger(n) for n in ("sentence_transformers", "transformers", "optimum", "nncf")]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="torch.tensor results are registered as constants")
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)


def cache_root() -> Path:
    return Path(os.environ.get("RAG_MODEL_CACHE") or Path.home() / ".cache" / "clinical-rag" / "models")


def _cpu_config() -> str:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        flags = ""
    return "avx512_vnni" if "avx512_vnni" in flags else "avx2"


def load_model(path: str, backend: Backend, device: str) -> Any:
    """The sentence-transformers model at ``path`` running on ``backend`` (exported once, cached)."""
    from sentence_transformers import SentenceTransformer  # here: a 3 s import, only when embedding

    if backend.file_name is None:
        return SentenceTransformer(path, device=device)
    file_name = backend.file_name()
    key = hashlib.sha256(f"{Path(path).resolve()}|{backend.name}|{_cpu_config()}".encode()).hexdigest()[:16]
    target = cache_root() / f"{Path(path).name}-{backend.name}-{key}"
    if not (target / file_name).exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
        try:
            shutil.copytree(path, tmp, dirs_exist_ok=True)
            log.info("exporting %s for the %s backend once (cached in %s)", path, backend.name, target)
            with _deliberate_export():
                exported = SentenceTransformer(str(tmp), backend=backend.runtime, device=device)
                exported.save_pretrained(str(tmp))
                if backend.quantize is not None:
                    backend.quantize(tmp, exported)
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except ImportError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelError(
                f"the {backend.name} backend needs packages that are not installed ({exc}); "
                "install them with `pip install -e '.[fast]'`"
            ) from exc
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelError(f"could not export {path} for the {backend.name} backend: {exc}") from exc
    return SentenceTransformer(
        str(target), backend=backend.runtime, device=device, model_kwargs={"file_name": file_name}
    )


def _quantize_openvino(folder: Path, tokenizer: Any) -> None:
    """NNCF post-training int8 quantisation of ``folder``'s OpenVINO model, calibrated locally."""
    import nncf  # the optional [fast] extra, only for this backend
    import openvino as ov

    model = ov.Core().read_model(str(folder / OPENVINO_FILE))
    names = [port.get_any_name() for port in model.inputs]
    texts = [json.loads(line)["text"] for line in CALIBRATION.open(encoding="utf-8")]
    samples = []
    for text in texts:
        encoded = tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
        samples.append({name: encoded[name] for name in names if name in encoded})
    quantized = nncf.quantize(
        model, nncf.Dataset(samples), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(samples)
    )
    ov.save_model(quantized, str(folder / OPENVINO_INT8_FILE))
