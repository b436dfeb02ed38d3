"""The optimiser loop the fine-tuning benchmarks share (torch is imported by the caller's model)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any


def run_steps(opt: Any, steps: int, loss_at: Callable[[int], Any], *, report_every: int) -> None:
    """``steps`` optimiser steps on ``loss_at(step)``, the learning rate warmed up linearly over the
    first 10 % and then decayed linearly to 0; a progress line every ``report_every`` steps."""
    import torch

    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    t = time.perf_counter()
    for step in range(steps):
        loss = loss_at(step)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % report_every == 0:
            print(
                f"  step {step}/{steps} loss {loss.item():.4f} ({time.perf_counter() - t:.0f} s)",
                file=sys.stderr,
            )
