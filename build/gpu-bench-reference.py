#!/usr/bin/env python3
"""PyTorch reference for `semanticgen bench --model wan-transformer`: the same Wan2.1 transformer forward (and
forward+backward), same sizes, dtypes and timing method, to compare C# (TorchSharp) with Python on one GPU.

A minimal re-implementation of src/SemanticGen.Models/DiT/*.cs (itself diffusers transformer_wan.py) with random
weights, needing only torch: patch embedding Conv3d (1,2,2); sinusoidal timestep features -> time_embedder
(linear, SiLU, linear; float32) -> time_proj (six modulations); text_embedder (linear, tanh-GELU, linear); blocks of
adaLN-modulated self-attention (q/k RMS norm across heads, 3-axis RoPE, scaled_dot_product_attention), cross-attention
after an affine float32 LayerNorm, adaLN-modulated tanh-GELU MLP, with norms/modulation/gates in float32 as in the
C# code; output adaLN head, proj_out, unpatchify.

Timing as BenchModelCommand: one warm-up step, then --steps timed steps between torch.cuda.synchronize() calls;
forward under no_grad; a training step is forward, loss = mean(out.float()^2), backward, zero every grad.
Prints one line "REFERENCE forward_ms=... train_ms=..." for build/gpu-bench.sh.
"""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

PRESETS = {  # WanTransformerPresets (WanTransformerConfig.cs)
    "1.3b": dict(heads=12, head_dim=128, ffn=8960, layers=30, text_dim=4096),
    "14b": dict(heads=40, head_dim=128, ffn=13824, layers=40, text_dim=4096),
    "tiny": dict(heads=2, head_dim=24, ffn=64, layers=2, text_dim=32, in_ch=4, out_ch=4),
}
EPS = 1e-6
FREQ_DIM = 256
PATCH = (1, 2, 2)


class RmsNorm(nn.Module):
    """WanRmsNorm: x * rsqrt(mean(x^2) + eps) in float32, back to x's dtype, times the weight."""

    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.square().mean(-1, keepdim=True) + EPS)).to(x.dtype) * self.weight.to(x.dtype)


def rope_tables(frames, height, width, head_dim, device):
    """WanRotaryEmbedding.Tables: bands (t, h, w) = (d - 2hw, hw, hw), hw = 2*(d//6); angles in float64 -> float32."""
    hw = 2 * (head_dim // 6)
    bands = [head_dim - 2 * hw, hw, hw]
    t = torch.arange(frames, dtype=torch.float64, device=device).view(-1, 1, 1).expand(frames, height, width)
    h = torch.arange(height, dtype=torch.float64, device=device).view(1, -1, 1).expand(frames, height, width)
    w = torch.arange(width, dtype=torch.float64, device=device).view(1, 1, -1).expand(frames, height, width)
    pos = torch.stack([t, h, w], -1).reshape(-1, 3)                                      # (N, 3)
    angles = []
    for axis, band in enumerate(bands):
        inverse = 1.0 / (10_000.0 ** (torch.arange(0, band, 2, dtype=torch.float64, device=device) / band))
        angles.append(pos[:, axis:axis + 1] * inverse[None])                              # (N, band/2)
    angles = torch.cat(angles, 1)                                                          # (N, d/2)
    return angles.cos().float(), angles.sin().float()


def apply_rope(x, cos, sin):
    """Rotates channel pairs (2i, 2i+1) of x (B, N, h, d) in float32, back to x's dtype."""
    pairs = x.float().unflatten(-1, (-1, 2))                                               # (B, N, h, d/2, 2)
    x1, x2 = pairs[..., 0], pairs[..., 1]
    c, s = cos[:, None], sin[:, None]                                                      # (N, 1, d/2)
    return torch.stack([x1 * c - x2 * s, x1 * s + x2 * c], -1).flatten(-2).to(x.dtype)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.to_q, self.to_k, self.to_v = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.to_out = nn.Linear(dim, dim)
        self.norm_q, self.norm_k = RmsNorm(dim), RmsNorm(dim)

    def forward(self, x, context=None, cos=None, sin=None):
        source = x if context is None else context
        q = self.norm_q(self.to_q(x)).unflatten(2, (self.heads, -1))                      # (B, N, h, d)
        k = self.norm_k(self.to_k(source)).unflatten(2, (self.heads, -1))                 # (B, L, h, d)
        v = self.to_v(source).unflatten(2, (self.heads, -1))                              # (B, L, h, d)
        if cos is not None:
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))  # (B, h, N, d)
        return self.to_out(out.transpose(1, 2).flatten(2).to(q.dtype))                    # (B, N, D)


class Block(nn.Module):
    def __init__(self, dim, heads, ffn):
        super().__init__()
        self.dim = dim
        self.attn1, self.attn2 = Attention(dim, heads), Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=EPS, elementwise_affine=True)                  # stays float32
        self.ffn = nn.Sequential(nn.Linear(dim, ffn), nn.GELU(approximate="tanh"), nn.Linear(ffn, dim))
        self.scale_shift_table = nn.Parameter(torch.randn(1, 6, dim) / dim ** 0.5)        # stays float32

    def plain_norm(self, x):
        return F.layer_norm(x.float(), (self.dim,), eps=EPS)

    def forward(self, x, text, modulation, cos, sin):
        dtype = x.dtype
        shift, scale, gate, f_shift, f_scale, f_gate = (self.scale_shift_table.float() + modulation.float()).chunk(6, dim=1)
        normed = (self.plain_norm(x) * (1 + scale) + shift).to(dtype)
        x = (x.float() + self.attn1(normed, None, cos, sin) * gate).to(dtype)
        normed = self.norm2(x.float()).to(dtype)
        x = x + self.attn2(normed, text)
        normed = (self.plain_norm(x) * (1 + f_scale) + f_shift).to(dtype)
        return (x.float() + self.ffn(normed).float() * f_gate).to(dtype)


class WanTransformer(nn.Module):
    def __init__(self, heads, head_dim, ffn, layers, text_dim, in_ch=16, out_ch=16, dtype=torch.bfloat16):
        super().__init__()
        dim = heads * head_dim
        self.dim, self.head_dim, self.out_ch = dim, head_dim, out_ch
        self.patch_embedding = nn.Conv3d(in_ch, dim, kernel_size=PATCH, stride=PATCH)
        self.time_embedder = nn.Sequential(nn.Linear(FREQ_DIM, dim), nn.SiLU(), nn.Linear(dim, dim))  # float32
        self.time_proj = nn.Linear(dim, 6 * dim)
        self.text_embedder = nn.Sequential(nn.Linear(text_dim, dim), nn.GELU(approximate="tanh"), nn.Linear(dim, dim))
        self.blocks = nn.ModuleList(Block(dim, heads, ffn) for _ in range(layers))
        self.scale_shift_table = nn.Parameter(torch.randn(1, 2, dim) / dim ** 0.5)        # float32
        self.proj_out = nn.Linear(dim, out_ch * math.prod(PATCH))
        self.checkpointing = False
        self._rope = {}
        # as the C# model: projections in the compute dtype, time MLP / adaLN tables / cross-attn norm in float32
        for module in [self.patch_embedding, self.time_proj, self.text_embedder, self.proj_out]:
            module.to(dtype)
        for block in self.blocks:
            for module in [block.attn1, block.attn2, block.ffn]:
                module.to(dtype)
        self.dtype = dtype

    def forward(self, latents, timestep, text):
        embedded = self.patch_embedding(latents.to(self.dtype))                           # (B, D, F', H', W')
        grid = tuple(embedded.shape[2:])
        tokens = embedded.flatten(2).transpose(1, 2)                                      # (B, N, D)
        key = (grid, tokens.device)
        if key not in self._rope:
            self._rope[key] = rope_tables(*grid, self.head_dim, tokens.device)
        cos, sin = self._rope[key]
        half = FREQ_DIM // 2
        freqs = torch.exp(-math.log(10_000.0) * torch.arange(half, dtype=torch.float32, device=timestep.device) / half)
        args = timestep.float()[:, None] * freqs[None]
        features = torch.cat([args.cos(), args.sin()], 1)                                # (B, 256)
        temb = self.time_embedder(features).to(text.dtype)                               # (B, D)
        modulation = self.time_proj(F.silu(temb).to(self.dtype)).unflatten(1, (6, -1))   # (B, 6, D)
        text = self.text_embedder(text.to(self.dtype))                                   # (B, L, D)
        for block in self.blocks:
            if self.checkpointing and torch.is_grad_enabled():
                tokens = checkpoint(block, tokens, text, modulation, cos, sin, use_reentrant=False)
            else:
                tokens = block(tokens, text, modulation, cos, sin)
        shift, scale = (self.scale_shift_table.float() + temb.float()[:, None]).chunk(2, dim=1)
        normed = F.layer_norm(tokens.float(), (self.dim,), eps=EPS)
        patches = self.proj_out((normed * (1 + scale) + shift).to(tokens.dtype))         # (B, N, C·pt·ph·pw)
        b, (f, h, w), (pt, ph, pw) = patches.shape[0], grid, PATCH
        cells = patches.reshape(b, f, h, w, pt, ph, pw, self.out_ch)
        return cells.permute(0, 7, 1, 4, 2, 5, 3, 6).reshape(b, self.out_ch, f * pt, h * ph, w * pw)


def forward_flops(cfg, tokens, text_length):
    """BenchModelCommand.ForwardFlops."""
    n, d, f, l = tokens, cfg["heads"] * cfg["head_dim"], cfg["ffn"], text_length
    block = 8 * n * d * d + 4 * n * n * d + 4 * n * d * d + 4 * l * d * d + 4 * n * l * d + 4 * n * d * f
    patch = math.prod(PATCH)
    return cfg["layers"] * block + 2 * n * d * (cfg.get("in_ch", 16) * patch + cfg.get("out_ch", 16) * patch)


def timed(steps, step):
    step()  # warm-up
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) * 1000 / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="1.3b", choices=PRESETS)
    parser.add_argument("--frames", type=int, default=81)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--width", type=int, default=832)
    parser.add_argument("--dtype", default="bf16", choices=["bf16", "fp16", "fp32"])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--text-length", type=int, default=512)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument("--forward-only", action="store_true")
    a = parser.parse_args()

    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[a.dtype]
    cfg = PRESETS[a.preset]
    device = torch.device("cuda")
    torch.manual_seed(0)
    with torch.device(device):
        model = WanTransformer(**cfg, dtype=dtype)
    model.checkpointing = a.gradient_checkpointing
    in_ch = cfg.get("in_ch", 16)
    latent_frames = (a.frames - 1) // 4 + 1
    latents = torch.randn(1, in_ch, latent_frames, a.height // 8, a.width // 8).to(dtype).to(device)
    text = torch.randn(1, a.text_length, cfg["text_dim"]).to(dtype).to(device)
    timestep = torch.full((1,), 500.0, device=device)
    tokens = latent_frames * (a.height // 16) * (a.width // 16)
    flops = forward_flops(cfg, tokens, a.text_length)

    def forward_step():
        with torch.no_grad():
            model(latents, timestep, text)

    def train_step():
        out = model(latents, timestep, text)
        out.float().square().mean().backward()
        for p in model.parameters():
            if p.grad is not None:
                p.grad.zero_()

    torch.cuda.reset_peak_memory_stats()
    forward = timed(a.steps, forward_step)
    print(f"REFERENCE forward_ms={forward:.1f}", flush=True)
    train, note = float("nan"), ""
    if not a.forward_only:
        try:
            train = timed(a.steps, train_step)
        except torch.OutOfMemoryError:
            note = " (forward+backward: CUDA out of memory)"
            model.zero_grad(set_to_none=True)
    free, total = torch.cuda.mem_get_info()
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}, wan-transformer {a.preset} {a.dtype}, {tokens:,} tokens, "
          f"text {a.text_length}, {a.steps} timed steps after 1 warm-up, checkpointing {'on' if a.gradient_checkpointing else 'off'}")
    print(f"forward {forward:.1f} ms/step ({flops / forward / 1e9:.1f} TFLOP/s), forward+backward {train:.1f} ms/step "
          f"({3 * flops / train / 1e9:.1f} TFLOP/s); peak allocated {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB, "
          f"peak reserved {torch.cuda.max_memory_reserved() / 2**20:.0f} MiB, device in use {(total - free) / 2**20:.0f} MiB{note}")
    print(f"REFERENCE forward_ms={forward:.1f} train_ms={'OOM' if note else f'{train:.1f}'}")


if __name__ == "__main__":
    main()
