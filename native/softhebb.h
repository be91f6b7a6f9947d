// SoftHebb kernels of the native backend (arguments validated in src/backend/checks/).
#pragma once
#include <cstddef>
#include <cstdint>

namespace hebb {

// Online SoftHebb over the B rows of x (see Backend.softHebbOnline). bias and eta_b may be null.
// u_out (B × K, may be null) receives each sample's u + bias before its update.
void softhebb_online(float* w, long K, long n, const float* x, long B, float* bias, double t, bool hard,
                     const float* eta, const float* eta_b, double bias_t, float* u_out);
// Hard-WTA mini-batch update over the rows of x grouped by winner (Backend.softHebbHardUpdate).
void softhebb_hard_update(float* w, long K, long n, const float* x, long B, const int32_t* win, const float* u,
                          double eta, const float* eta_vec);
// One soft-WTA mini-batch step from the pre-activations u = x Wᵀ (Backend.softHebbSoftStep):
// y = softmax(t (u + bias)), c = Σ_b y∘u, rate r_k = exact ? (1 − e^(−η c_k))/c_k : η,
// W ← diag(1 − r∘c) W + diag(r) Yᵀ X. bias may be null; y is written. With scale (may be null)
// the weights are diag(scale)·w and u = x wᵀ; scale is updated (or folded into w and set to 1).
void softhebb_soft_step(float* w, long K, long n, const float* x, long B, const float* u, const float* bias,
                        double t, double eta, bool exact, float* scale, float* y);
void add_column_vector(float* a, size_t rows, size_t cols, const float* v, double alpha);
double abs_max(const float* a, size_t n);

}  // namespace hebb
