// Fused loops of the native backend. Arguments are validated in TypeScript
// (src/backend/checks/) before any of these run.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hebb {

// Same order as UNARY_OPS / BINARY_OPS in src/backend/types.ts.
enum UnaryOp {
  U_COPY, U_NEG, U_ABS, U_SQUARE, U_SQRT, U_EXP, U_LOG, U_TANH, U_SIGMOID, U_RELU, U_REPU, U_CLIP,
  U_SHRINK, U_CAPPED_RELU, U_POW, U_AFFINE, U_SIGN, U_TANH_GRAD, U_SIGMOID_GRAD, U_RELU_GRAD, U_COUNT
};
// Order as BINARY_OPS in src/backend/types.ts.
enum BinaryOp {
  B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_MUL_RELU_GRAD, B_MUL_TANH_GRAD, B_MUL_SIGMOID_GRAD,
  B_COUNT
};

void unary(int op, const float* x, float* y, size_t n, double p, double q);
void binary(int op, const float* a, const float* b, float* y, size_t n);
void axpy(double alpha, const float* x, float* y, size_t n);
void scale(double alpha, float* x, size_t n);
void add_row_vector(float* a, size_t rows, size_t cols, const float* v, double alpha);
void scale_rows(float* a, size_t rows, size_t cols, const float* s);
void scale_columns(float* a, size_t rows, size_t cols, const float* s);
void softmax_rows(const float* a, size_t rows, size_t cols, double t, float* out);
// out = t·h∘(g − Σ_j g_j h_j) per row (the softmax Jacobian applied to g); out may be g.
void softmax_rows_backward(const float* h, const float* g, size_t rows, size_t cols, double t, float* out);
void row_norms(const float* a, size_t rows, size_t cols, float* out);
void normalize_rows(const float* a, size_t rows, size_t cols, float* out, double eps);
void normalize_rows_backward(const float* a, const float* g, size_t rows, size_t cols, float* out, double eps);
void argmax_rows(const float* a, size_t rows, size_t cols, int32_t* out);
void sum_axis(const float* a, size_t rows, size_t cols, int axis, float* out);
double dot(const float* a, const float* b, size_t n);
size_t count_non_finite(const float* a, size_t n);

struct Conv {
  long batch, inH, inW, C, kH, kW, stride, pad, dilation, outH, outW;
};
void im2col(const float* images, const Conv& g, float* out);
void col2im(const float* cols, const Conv& g, float* out);
// Max (is_max) or average pooling of HWC images over kH×kW windows (padding is left out of
// both: a max over the window's pixels inside the image, a mean over those pixels).
void pool2d(const float* images, const Conv& g, bool is_max, float* out);

// W (K×n) += eta ⊙ (Yᵀ X − diag(Σ_b Y∘U) W); eta_vec (length K) overrides eta when non-null.
void softhebb_update(float* w, size_t K, size_t n, const float* x, size_t B, const float* y,
                     const float* u, double eta, const float* eta_vec);

}  // namespace hebb
