// N-API surface of the native backend. Every argument's value has been validated in TypeScript
// (src/backend/checks/); this layer reads each argument by name and JavaScript type through
// Args (native/args.h), which turns a caller that drifted from these signatures into a
// TypeError, and calls the kernels. signatures() reports the parameter lists read here, which
// test/backend/addon-signatures.test.ts compares with ADDON_SIGNATURES in
// src/backend/native/signatures.ts.
#include <cblas.h>
#include <napi.h>
#include <omp.h>

#include <string>
#include <vector>

#include "args.h"
#include "attention.h"
#include "kernels.h"
#include "softhebb.h"
#include "optim.h"
#include "rng.h"
#include "similarity.h"  // similarity matching
#include "linear_svc.h"  // linear SVM read-out

extern "C" {
char* openblas_get_config(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace {

using hebb::Args;
#define DONE_OR_RETURN \
  if (!a.Done()) return a.Env().Undefined()

Napi::Value Info(Args& a) {
  DONE_OR_RETURN;
  Napi::Env env = a.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("blas", Napi::String::New(env, openblas_get_config()));
  o.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  o.Set("ompThreads", Napi::Number::New(env, omp_get_max_threads()));
  return o;
}

Napi::Value SetThreads(Args& a) {
  const int n = static_cast<int>(a.Int("n"));
  DONE_OR_RETURN;
  openblas_set_num_threads(n);
  omp_set_num_threads(n);
  return a.Env().Undefined();
}

Napi::Value Gemm(Args& a) {
  const bool ta = a.Bool("transA"), tb = a.Bool("transB");
  const long m = a.Int("m"), n = a.Int("n"), k = a.Int("k");
  const float alpha = static_cast<float>(a.Num("alpha"));
  const float* A = a.F32("a").data;
  const long lda = a.Int("lda");
  const float* B = a.F32("b").data;
  const long ldb = a.Int("ldb");
  const float beta = static_cast<float>(a.Num("beta"));
  float* C = a.F32("c").data;
  const long ldc = a.Int("ldc");
  DONE_OR_RETURN;
  if (m == 0 || n == 0) return a.Env().Undefined();
  if (k == 0) {
    // BLAS leaves C alone for k = 0 only when beta = 1; make beta's meaning hold.
    for (long i = 0; i < m * n; i++) C[i] = beta == 0 ? 0.0f : beta * C[i];
    return a.Env().Undefined();
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, A,
              lda, B, ldb, beta, C, ldc);
  return a.Env().Undefined();
}

Napi::Value Unary(Args& a) {
  const int op = static_cast<int>(a.Int("op"));
  const auto x = a.F32("x"), y = a.F32("y");
  const double p = a.Num("p"), q = a.Num("q");
  DONE_OR_RETURN;
  hebb::unary(op, x.data, y.data, x.size, p, q);
  return a.Env().Undefined();
}

Napi::Value Binary(Args& a) {
  const int op = static_cast<int>(a.Int("op"));
  const auto x = a.F32("a"), y = a.F32("b"), out = a.F32("y");
  DONE_OR_RETURN;
  hebb::binary(op, x.data, y.data, out.data, x.size);
  return a.Env().Undefined();
}

Napi::Value Axpy(Args& a) {
  const double alpha = a.Num("alpha");
  const auto x = a.F32("x"), y = a.F32("y");
  DONE_OR_RETURN;
  hebb::axpy(alpha, x.data, y.data, x.size);
  return a.Env().Undefined();
}

Napi::Value Scale(Args& a) {
  const double alpha = a.Num("alpha");
  const auto x = a.F32("x");
  DONE_OR_RETURN;
  hebb::scale(alpha, x.data, x.size);
  return a.Env().Undefined();
}

// A row-major matrix passed as (data, rows, cols).
struct Mat {
  float* data;
  long rows, cols;
};
Mat ReadMat(Args& a, const char* name) {
  float* data = a.F32(name).data;
  const long rows = a.Int("rows"), cols = a.Int("cols");
  return {data, rows, cols};
}

Napi::Value AddRowVector(Args& a) {
  const Mat m = ReadMat(a, "a");
  const float* v = a.F32("v").data;
  const double alpha = a.Num("alpha");
  DONE_OR_RETURN;
  hebb::add_row_vector(m.data, m.rows, m.cols, v, alpha);
  return a.Env().Undefined();
}

Napi::Value AddColumnVector(Args& a) {
  const Mat m = ReadMat(a, "a");
  const float* v = a.F32("v").data;
  const double alpha = a.Num("alpha");
  DONE_OR_RETURN;
  hebb::add_column_vector(m.data, m.rows, m.cols, v, alpha);
  return a.Env().Undefined();
}

Napi::Value ScaleRows(Args& a) {
  const Mat m = ReadMat(a, "a");
  const float* s = a.F32("s").data;
  DONE_OR_RETURN;
  hebb::scale_rows(m.data, m.rows, m.cols, s);
  return a.Env().Undefined();
}

Napi::Value ScaleColumns(Args& a) {
  const Mat m = ReadMat(a, "a");
  const float* s = a.F32("s").data;
  DONE_OR_RETURN;
  hebb::scale_columns(m.data, m.rows, m.cols, s);
  return a.Env().Undefined();
}

Napi::Value SoftmaxRows(Args& a) {
  const Mat m = ReadMat(a, "a");
  const double t = a.Num("t");
  float* out = a.F32("out").data;
  DONE_OR_RETURN;
  hebb::softmax_rows(m.data, m.rows, m.cols, t, out);
  return a.Env().Undefined();
}

Napi::Value SoftmaxRowsBackward(Args& a) {
  const float* h = a.F32("h").data;
  const float* g = a.F32("g").data;
  const long rows = a.Int("rows"), cols = a.Int("cols");
  const double t = a.Num("t");
  float* out = a.F32("out").data;
  DONE_OR_RETURN;
  hebb::softmax_rows_backward(h, g, rows, cols, t, out);
  return a.Env().Undefined();
}

Napi::Value RowNorms(Args& a) {
  const Mat m = ReadMat(a, "a");
  float* out = a.F32("out").data;
  DONE_OR_RETURN;
  hebb::row_norms(m.data, m.rows, m.cols, out);
  return a.Env().Undefined();
}

Napi::Value NormalizeRows(Args& a) {
  const Mat m = ReadMat(a, "a");
  float* out = a.F32("out").data;
  const double eps = a.Num("eps");
  DONE_OR_RETURN;
  hebb::normalize_rows(m.data, m.rows, m.cols, out, eps);
  return a.Env().Undefined();
}

Napi::Value NormalizeRowsBackward(Args& a) {
  const Mat m = ReadMat(a, "a");
  const float* g = a.F32("g").data;
  float* out = a.F32("out").data;
  const double eps = a.Num("eps");
  DONE_OR_RETURN;
  hebb::normalize_rows_backward(m.data, g, m.rows, m.cols, out, eps);
  return a.Env().Undefined();
}

Napi::Value ArgmaxRows(Args& a) {
  const Mat m = ReadMat(a, "a");
  int32_t* out = a.I32("out").data;
  DONE_OR_RETURN;
  hebb::argmax_rows(m.data, m.rows, m.cols, out);
  return a.Env().Undefined();
}

Napi::Value Sum(Args& a) {
  const Mat m = ReadMat(a, "a");
  const int axis = static_cast<int>(a.Int("axis"));
  float* out = a.F32("out").data;
  DONE_OR_RETURN;
  hebb::sum_axis(m.data, m.rows, m.cols, axis, out);
  return a.Env().Undefined();
}

Napi::Value Dot(Args& a) {
  const auto x = a.F32("a"), y = a.F32("b");
  DONE_OR_RETURN;
  return Napi::Number::New(a.Env(), hebb::dot(x.data, y.data, x.size));
}

Napi::Value CountNonFinite(Args& a) {
  const auto x = a.F32("a");
  DONE_OR_RETURN;
  return Napi::Number::New(a.Env(), static_cast<double>(hebb::count_non_finite(x.data, x.size)));
}

Napi::Value AbsMax(Args& a) {
  const auto x = a.F32("a");
  DONE_OR_RETURN;
  return Napi::Number::New(a.Env(), hebb::abs_max(x.data, x.size));
}

// The geometry arguments (batch … outW) of the convolution kernels.
hebb::Conv ConvGeometry(Args& a) {
  hebb::Conv g;
  for (auto [field, name] : {std::pair{&g.batch, "batch"}, {&g.inH, "inH"}, {&g.inW, "inW"}, {&g.C, "channels"},
                             {&g.kH, "kernelH"}, {&g.kW, "kernelW"}, {&g.stride, "stride"}, {&g.pad, "pad"},
                             {&g.dilation, "dilation"}, {&g.outH, "outH"}, {&g.outW, "outW"}}) {
    *field = a.Int(name);
  }
  return g;
}

// (src, batch, inH, inW, channels, kernelH, kernelW, stride, pad, dilation, outH, outW, dst)
template <void (*Kernel)(const float*, const hebb::Conv&, float*)>
Napi::Value Conv(Args& a, const char* src_name, const char* dst_name) {
  const float* src = a.F32(src_name).data;
  const hebb::Conv g = ConvGeometry(a);
  float* dst = a.F32(dst_name).data;
  DONE_OR_RETURN;
  Kernel(src, g, dst);
  return a.Env().Undefined();
}
Napi::Value Im2col(Args& a) { return Conv<hebb::im2col>(a, "images", "out"); }
Napi::Value Col2im(Args& a) { return Conv<hebb::col2im>(a, "cols", "out"); }
Napi::Value Pool2d(Args& a) {
  const float* src = a.F32("images").data;
  const hebb::Conv g = ConvGeometry(a);
  const bool is_max = a.Bool("max");
  float* dst = a.F32("out").data;
  DONE_OR_RETURN;
  hebb::pool2d(src, g, is_max, dst);
  return a.Env().Undefined();
}

// --- SoftHebb kernels ---
// The leading (w, units, inputs, x, batch) of the SoftHebb kernels: W (K×n) and X (B×n).
struct WX {
  float* w;
  long K, n;
  const float* x;
  long B;
};
WX ReadWX(Args& a) {
  float* w = a.F32("w").data;
  const long K = a.Int("units"), n = a.Int("inputs");
  const float* x = a.F32("x").data;
  const long B = a.Int("batch");
  return {w, K, n, x, B};
}

Napi::Value SoftHebbUpdate(Args& a) {
  const WX p = ReadWX(a);
  const float *y = a.F32("y").data, *u = a.F32("u").data;
  const double eta = a.Num("eta");
  const float* eta_vec = a.F32OrNull("etaVec").data;
  DONE_OR_RETURN;
  hebb::softhebb_update(p.w, p.K, p.n, p.x, p.B, y, u, eta, eta_vec);
  return a.Env().Undefined();
}

Napi::Value SoftHebbHardUpdate(Args& a) {
  const WX p = ReadWX(a);
  const int32_t* winners = a.I32("winners").data;
  const float* u = a.F32("u").data;
  const double eta = a.Num("eta");
  const float* eta_vec = a.F32OrNull("etaVec").data;
  DONE_OR_RETURN;
  hebb::softhebb_hard_update(p.w, p.K, p.n, p.x, p.B, winners, u, eta, eta_vec);
  return a.Env().Undefined();
}

Napi::Value SoftHebbSoftStep(Args& a) {
  const WX p = ReadWX(a);
  const float* u = a.F32("u").data;
  const float* bias = a.F32OrNull("bias").data;
  const double t = a.Num("inverseTemperature");
  const double eta = a.Num("eta");
  const bool exact = a.Bool("exact");
  float* scale = a.F32OrNull("scale").data;
  float* y = a.F32("y").data;
  DONE_OR_RETURN;
  hebb::softhebb_soft_step(p.w, p.K, p.n, p.x, p.B, u, bias, t, eta, exact, scale, y);
  return a.Env().Undefined();
}

Napi::Value SoftHebbOnline(Args& a) {
  const WX p = ReadWX(a);
  float* bias = a.F32OrNull("bias").data;
  const double t = a.Num("inverseTemperature");
  const bool hard = a.Bool("hard");
  const float* eta = a.F32("eta").data;
  const float* bias_rate = a.F32OrNull("biasRate").data;
  const double bias_t = a.Num("biasInverseTemperature");
  float* u_out = a.F32OrNull("preActivations").data;
  DONE_OR_RETURN;
  hebb::softhebb_online(p.w, p.K, p.n, p.x, p.B, bias, t, hard, eta, bias_rate, bias_t, u_out);
  return a.Env().Undefined();
}
// --- end SoftHebb kernels ---

// --- SoftHebb read-outs / optim: fused Adam step ---
Napi::Value AdamUpdate(Args& a) {
  const auto p = a.F32("param");
  float *g = a.F32("grad").data, *m = a.F32("m").data, *v = a.F32("v").data;
  hebb::AdamScalars s;
  for (auto [field, name] : {std::pair{&s.beta1, "beta1"}, {&s.beta2, "beta2"}, {&s.c1, "c1"}, {&s.c2, "c2"},
                             {&s.eps, "eps"}, {&s.l2, "l2"}, {&s.decay, "decay"}, {&s.step_size, "stepSize"},
                             {&s.sqrt_bc2, "sqrtBc2"}}) {
    *field = static_cast<float>(a.Num(name));
  }
  float* dir = a.F32OrNull("direction").data;
  DONE_OR_RETURN;
  hebb::adam_update(p.data, g, m, v, p.size, s, dir);
  return a.Env().Undefined();
}
// --- end SoftHebb read-outs / optim ---

// --- similarity matching: block-sparse locally connected kernels ---
// (sites, unitsPerSite, inputs, offsets, indices): a LocalMap.
hebb::LocalMapView ReadMap(Args& a) {
  const long sites = a.Int("sites"), n = a.Int("unitsPerSite"), inputs = a.Int("inputs");
  const int32_t* offsets = a.I32("offsets").data;
  const int32_t* indices = a.I32("indices").data;
  return {sites, n, inputs, offsets, indices};
}

// (map…, blocks, in, batch, alpha, beta, out) and, for localOuter, (map…, post, pre, batch,
// alpha, beta, blocks): three arrays, the batch and two scalars in the same places.
template <class K>
Napi::Value Local(Args& a, const char* n0, const char* n1, const char* n2, K kernel) {
  const hebb::LocalMapView m = ReadMap(a);
  float* p0 = a.F32(n0).data;
  float* p1 = a.F32(n1).data;
  const long B = a.Int("batch");
  const double alpha = a.Num("alpha"), beta = a.Num("beta");
  float* p2 = a.F32(n2).data;
  DONE_OR_RETURN;
  kernel(m, p0, p1, B, alpha, beta, p2);
  return a.Env().Undefined();
}
Napi::Value LocalMatmul(Args& a) { return Local(a, "blocks", "x", "out", hebb::local_matmul); }
Napi::Value LocalMatmulT(Args& a) { return Local(a, "blocks", "y", "out", hebb::local_matmul_t); }
Napi::Value LocalOuter(Args& a) { return Local(a, "post", "pre", "blocks", hebb::local_outer); }

Napi::Value SmEulerStep(Args& a) {
  float* u = a.F32("u").data;
  const float* drive = a.F32("drive").data;
  const float* bias = a.F32OrNull("bias").data;
  float* r = a.F32("r").data;
  const long rows = a.Int("rows"), cols = a.Int("cols");
  const double dt = a.Num("dt");
  const int op = static_cast<int>(a.Int("op"));
  const double p = a.Num("p"), q = a.Num("q");
  float *du2 = a.F32("du2").data, *u2 = a.F32("u2").data;
  DONE_OR_RETURN;
  hebb::sm_euler_step(u, drive, bias, r, rows, cols, dt, op, p, q, du2, u2);
  return a.Env().Undefined();
}
// --- end similarity matching ---

// --- attention (src/emergence/transformer.ts) ---
Napi::Value Attention(Args& a) {
  const float *q = a.F32("q").data, *k = a.F32("k").data, *v = a.F32("v").data;
  const long rows = a.Int("rows"), width = a.Int("width"), heads = a.Int("heads"), tokens = a.Int("tokens");
  const double scale = a.Num("scale");
  float *probs = a.F32("probs").data, *out = a.F32("out").data;
  DONE_OR_RETURN;
  hebb::attention(q, k, v, rows, width, heads, tokens, scale, probs, out);
  return a.Env().Undefined();
}

Napi::Value AttentionBackward(Args& a) {
  const float *q = a.F32("q").data, *k = a.F32("k").data, *v = a.F32("v").data;
  const float *probs = a.F32("probs").data, *d_out = a.F32("dOut").data;
  const long rows = a.Int("rows"), width = a.Int("width"), heads = a.Int("heads"), tokens = a.Int("tokens");
  const double scale = a.Num("scale");
  float *dq = a.F32("dq").data, *dk = a.F32("dk").data, *dv = a.F32("dv").data;
  DONE_OR_RETURN;
  hebb::attention_backward(q, k, v, probs, d_out, rows, width, heads, tokens, scale, dq, dk, dv);
  return a.Env().Undefined();
}
// --- end attention ---

// --- linear SVM read-out ---
Napi::Value SvcDualEpoch(Args& a) {
  const float* x = a.F32("x").data;
  const long rows = a.Int("rows"), cols = a.Int("cols");
  const double* sq_norms = a.F64("sqNorms").data;
  const double bias = a.Num("bias");
  const auto order = a.I32("order");
  Napi::Array list = a.Objects("problems", "SvcProblem[]");
  std::vector<hebb::SvcProblem> problems(list.Length());
  for (uint32_t t = 0; t < list.Length(); t++) {
    Napi::Object o = a.Element(list, t);
    problems[t] = hebb::SvcProblem{a.I8Field(o, "y").data,        a.F64Field(o, "alpha").data,
                                   a.F64Field(o, "w").data,       a.U8Field(o, "active").data,
                                   a.NumField(o, "diagPos"),      a.NumField(o, "diagNeg"),
                                   a.F64Field(o, "state").data};
  }
  DONE_OR_RETURN;
  hebb::svc_dual_epoch(x, rows, cols, sq_norms, bias, order.data, static_cast<long>(order.size), problems.data(),
                       static_cast<long>(problems.size()));
  return a.Env().Undefined();
}
// --- end linear SVM read-out ---

// (out, key0, key1, counter[, …]): the Philox stream's key words and block counter.
struct Stream {
  uint32_t k0, k1;
  uint64_t counter;
};
Stream ReadStream(Args& a) {
  const auto k0 = static_cast<uint32_t>(a.Num("key0"));
  const auto k1 = static_cast<uint32_t>(a.Num("key1"));
  const auto counter = static_cast<uint64_t>(a.Num("counter"));
  return {k0, k1, counter};
}

Napi::Value RandomU32(Args& a) {
  const auto out = a.U32("out");
  const Stream s = ReadStream(a);
  DONE_OR_RETURN;
  hebb::random_u32(out.data, out.size, s.k0, s.k1, s.counter);
  return a.Env().Undefined();
}

template <void (*Fill)(float*, size_t, uint32_t, uint32_t, uint64_t, double, double)>
Napi::Value FillFloats(Args& a, const char* p_name, const char* q_name) {
  const auto out = a.F32("out");
  const Stream s = ReadStream(a);
  const double p = a.Num(p_name), q = a.Num(q_name);
  DONE_OR_RETURN;
  Fill(out.data, out.size, s.k0, s.k1, s.counter, p, q);
  return a.Env().Undefined();
}
Napi::Value FillUniform(Args& a) { return FillFloats<hebb::fill_uniform>(a, "low", "high"); }
Napi::Value FillNormal(Args& a) { return FillFloats<hebb::fill_normal>(a, "mean", "std"); }

Napi::Value Signatures(Args& a);

struct Fn {
  const char* name;
  Napi::Value (*fn)(Args&);
};
const Fn kFns[] = {
    {"info", Info},
    {"signatures", Signatures},
    {"setThreads", SetThreads},
    {"gemm", Gemm},
    {"unary", Unary},
    {"binary", Binary},
    {"axpy", Axpy},
    {"scale", Scale},
    {"addRowVector", AddRowVector},
    {"scaleRows", ScaleRows},
    {"scaleColumns", ScaleColumns},
    {"softmaxRows", SoftmaxRows},
    {"softmaxRowsBackward", SoftmaxRowsBackward},
    {"rowNorms", RowNorms},
    {"normalizeRows", NormalizeRows},
    {"normalizeRowsBackward", NormalizeRowsBackward},
    {"argmaxRows", ArgmaxRows},
    {"sum", Sum},
    {"dot", Dot},
    {"countNonFinite", CountNonFinite},
    {"im2col", Im2col},
    {"col2im", Col2im},
    {"pool2d", Pool2d},
    {"softHebbUpdate", SoftHebbUpdate},
    // SoftHebb kernels
    {"softHebbOnline", SoftHebbOnline},
    {"softHebbHardUpdate", SoftHebbHardUpdate},
    {"softHebbSoftStep", SoftHebbSoftStep},
    {"addColumnVector", AddColumnVector},
    {"absMax", AbsMax},
    {"randomU32", RandomU32},
    {"fillUniform", FillUniform},
    {"fillNormal", FillNormal},
    {"adamUpdate", AdamUpdate},      // SoftHebb read-outs / optim
    {"svcDualEpoch", SvcDualEpoch},  // linear SVM read-out
    // similarity matching
    {"localMatmul", LocalMatmul},
    {"localMatmulT", LocalMatmulT},
    {"localOuter", LocalOuter},
    {"smEulerStep", SmEulerStep},
    {"attention", Attention},
    {"attentionBackward", AttentionBackward},
};

// {name: ['param:type', …]} for every function, recorded by running each one's argument
// reading without a call: the table cannot differ from what the functions read.
Napi::Value Signatures(Args& a) {
  DONE_OR_RETURN;
  Napi::Env env = a.Env();
  Napi::Object out = Napi::Object::New(env);
  for (const Fn& f : kFns) {
    std::vector<std::string> params;
    Args record(env, f.name, &params);
    f.fn(record);
    Napi::Array list = Napi::Array::New(env, params.size());
    for (size_t i = 0; i < params.size(); i++) list.Set(static_cast<uint32_t>(i), params[i]);
    out.Set(f.name, list);
  }
  return out;
}

Napi::Value Call(const Napi::CallbackInfo& info) {
  const Fn& f = *static_cast<const Fn*>(info.Data());
  Args a(info, f.name);
  return f.fn(a);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (const Fn& f : kFns) {
    exports.Set(f.name, Napi::Function::New(env, Call, f.name, const_cast<Fn*>(&f)));
  }
  return exports;
}

}  // namespace

NODE_API_MODULE(hebb_native, Init)
