"""The project's training step in PyTorch, for `npm run bench` (bench/torchPair.ts) to time side by side.

Same model as src/model/gpt.ts (token and position embeddings, pre-LayerNorm blocks of causal multi-head
attention and a tanh-GELU MLP, final norm, untied output head with bias), same synthetic batch as
bench/benchCore.ts, same step as src/train/trainStep.ts: forward, backward, global-norm clip, AdamW
(betas 0.9/0.95, eps 1e-8, decay 0.1 on matrices only). One thread, float32, eager mode.

Protocol (one JSON object per line): argv[1] is the config as JSON; the script prints
{"ready": ...versions...}, then answers each stdin line "N" with {"stepMs": [...], "cpuMs": total, "losses": [...]}
after running N steps. An empty line or end of input ends it.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.ln1 = nn.LayerNorm(n_embd)
        self.wqkv = nn.Linear(n_embd, 3 * n_embd)
        self.wo = nn.Linear(n_embd, n_embd)
        self.ln2 = nn.LayerNorm(n_embd)
        self.w1 = nn.Linear(n_embd, 4 * n_embd)
        self.w2 = nn.Linear(4 * n_embd, n_embd)

    def attention(self, x):
        b, t, c = x.shape
        q, k, v = self.wqkv(x).split(c, dim=2)  # [B, T, C] each
        heads = lambda z: z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)  # [B, H, T, D]
        q, k, v = heads(q), heads(k), heads(v)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.n_head)  # [B, H, T, T]
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        probs = F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        return self.wo((probs @ v).transpose(1, 2).reshape(b, t, c))

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.w2(F.gelu(self.w1(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.wte = nn.Embedding(cfg["vocabSize"], cfg["nEmbd"])
        self.wpe = nn.Embedding(cfg["blockSize"], cfg["nEmbd"])
        self.blocks = nn.ModuleList(Block(cfg["nEmbd"], cfg["nHead"]) for _ in range(cfg["nLayer"]))
        self.lnf = nn.LayerNorm(cfg["nEmbd"])
        self.head = nn.Linear(cfg["nEmbd"], cfg["vocabSize"])
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x)
        return self.head(self.lnf(x))


def synthetic_batch(batch_size, t, vocab):
    """The same tokens as bench/benchCore.ts syntheticBatch."""
    i = torch.arange(batch_size * t)
    x = (i * 7 + (i >> 5)) % vocab
    y = (i * 7 + 7 + (i >> 5)) % vocab
    return x.view(batch_size, t), y.view(batch_size, t)


def main():
    spec = json.loads(sys.argv[1])
    cfg, batch_size = spec["model"], spec["batchSize"]
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = GPT(cfg)
    decay = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() != 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
        lr=1e-3,
        betas=(0.9, 0.95),
        eps=1e-8,
    )
    x, y = synthetic_batch(batch_size, cfg["blockSize"], cfg["vocabSize"])
    ready = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_name()}
    print(json.dumps({"ready": ready}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        step_ms, losses = [], []
        cpu_start = time.process_time()
        for _ in range(int(line)):
            start = time.perf_counter()
            logits = model(x)
            loss = F.cross_entropy(logits.view(-1, cfg["vocabSize"]), y.view(-1))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
            step_ms.append((time.perf_counter() - start) * 1000)
        cpu_ms = (time.process_time() - cpu_start) * 1000
        print(json.dumps({"stepMs": step_ms, "cpuMs": cpu_ms, "losses": losses}), flush=True)


def blas_name():
    """The BLAS library actually loaded (Debian's torch links libblas.so.3, whichever package provides it)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return "unknown"
    for lib in sorted(libs):
        for name in ("openblas", "mkl", "blis"):
            if name in lib.lower():
                return lib
    blas = [lib for lib in sorted(libs) if "libblas" in lib]
    return f"{blas[0]} (reference BLAS: install libopenblas0-pthread)" if blas else "unknown"


if __name__ == "__main__":
    main()
