// Multi-head scaled dot-product attention (no mask) over short sequences: the transformer of
// the emergence experiments (src/emergence/transformer.ts). Arguments are validated in
// src/backend/checks/attention.ts.
#pragma once

namespace hebb {

// q, k, v, out: (batch·tokens) × width, head h owning columns [h·d, (h+1)·d), d = width / heads.
// probs: (batch·heads·tokens) × tokens. For sequence b and head h:
// P = softmax(scale · Q_bh K_bhᵀ) by rows, O_bh = P V_bh.
void attention(const float* q, const float* k, const float* v, long rows, long width, long heads, long tokens,
               double scale, float* probs, float* out);
// The backward pass from dOut and the forward's probs: writes dq, dk, dv (same shapes as q).
void attention_backward(const float* q, const float* k, const float* v, const float* probs, const float* d_out,
                        long rows, long width, long heads, long tokens, double scale, float* dq, float* dk,
                        float* dv);

}  // namespace hebb
