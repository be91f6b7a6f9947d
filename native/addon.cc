// N-API surface of the native backend. Every argument has been validated in TypeScript
// (src/backend/checks/); this layer only unpacks typed arrays and calls the kernels.
#include <cblas.h>
#include <napi.h>
#include <omp.h>

#include <vector>

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

float* F32(const Napi::Value& v) { return v.As<Napi::Float32Array>().Data(); }
size_t Len(const Napi::Value& v) { return v.As<Napi::TypedArray>().ElementLength(); }
long I(const Napi::Value& v) { return static_cast<long>(v.As<Napi::Number>().Int64Value()); }
double D(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("blas", Napi::String::New(env, openblas_get_config()));
  o.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  o.Set("ompThreads", Napi::Number::New(env, omp_get_max_threads()));
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const int n = static_cast<int>(I(info[0]));
  openblas_set_num_threads(n);
  omp_set_num_threads(n);
  return info.Env().Undefined();
}

// gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)
Napi::Value Gemm(const Napi::CallbackInfo& a) {
  const bool ta = a[0].As<Napi::Boolean>().Value(), tb = a[1].As<Napi::Boolean>().Value();
  const long m = I(a[2]), n = I(a[3]), k = I(a[4]);
  const float alpha = static_cast<float>(D(a[5])), beta = static_cast<float>(D(a[10]));
  float* C = F32(a[11]);
  const long ldc = I(a[12]);
  if (m == 0 || n == 0) return a.Env().Undefined();
  if (k == 0) {
    // BLAS leaves C alone for k = 0 only when beta = 1; make beta's meaning hold.
    for (long i = 0; i < m * n; i++) C[i] = beta == 0 ? 0.0f : beta * C[i];
    return a.Env().Undefined();
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha,
              F32(a[6]), I(a[7]), F32(a[8]), I(a[9]), beta, C, ldc);
  return a.Env().Undefined();
}

Napi::Value Unary(const Napi::CallbackInfo& a) {
  hebb::unary(static_cast<int>(I(a[0])), F32(a[1]), F32(a[2]), Len(a[1]), D(a[3]), D(a[4]));
  return a.Env().Undefined();
}

Napi::Value Binary(const Napi::CallbackInfo& a) {
  hebb::binary(static_cast<int>(I(a[0])), F32(a[1]), F32(a[2]), F32(a[3]), Len(a[1]));
  return a.Env().Undefined();
}

Napi::Value Axpy(const Napi::CallbackInfo& a) {
  hebb::axpy(D(a[0]), F32(a[1]), F32(a[2]), Len(a[1]));
  return a.Env().Undefined();
}

Napi::Value Scale(const Napi::CallbackInfo& a) {
  hebb::scale(D(a[0]), F32(a[1]), Len(a[1]));
  return a.Env().Undefined();
}

// (a, rows, cols, v, alpha)
Napi::Value AddRowVector(const Napi::CallbackInfo& a) {
  hebb::add_row_vector(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]), D(a[4]));
  return a.Env().Undefined();
}

Napi::Value ScaleRows(const Napi::CallbackInfo& a) {
  hebb::scale_rows(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]));
  return a.Env().Undefined();
}

// (a, rows, cols, t, out)
Napi::Value SoftmaxRows(const Napi::CallbackInfo& a) {
  hebb::softmax_rows(F32(a[0]), I(a[1]), I(a[2]), D(a[3]), F32(a[4]));
  return a.Env().Undefined();
}

Napi::Value RowNorms(const Napi::CallbackInfo& a) {
  hebb::row_norms(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]));
  return a.Env().Undefined();
}

Napi::Value NormalizeRows(const Napi::CallbackInfo& a) {
  hebb::normalize_rows(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]), D(a[4]));
  return a.Env().Undefined();
}

Napi::Value ArgmaxRows(const Napi::CallbackInfo& a) {
  hebb::argmax_rows(F32(a[0]), I(a[1]), I(a[2]), a[3].As<Napi::Int32Array>().Data());
  return a.Env().Undefined();
}

// (a, rows, cols, axis, out)
Napi::Value Sum(const Napi::CallbackInfo& a) {
  hebb::sum_axis(F32(a[0]), I(a[1]), I(a[2]), static_cast<int>(I(a[3])), F32(a[4]));
  return a.Env().Undefined();
}

Napi::Value Dot(const Napi::CallbackInfo& a) {
  return Napi::Number::New(a.Env(), hebb::dot(F32(a[0]), F32(a[1]), Len(a[0])));
}

Napi::Value CountNonFinite(const Napi::CallbackInfo& a) {
  return Napi::Number::New(a.Env(), static_cast<double>(hebb::count_non_finite(F32(a[0]), Len(a[0]))));
}

hebb::Conv ConvArgs(const Napi::CallbackInfo& a) {
  // (src, batch, inH, inW, C, kH, kW, stride, pad, outH, outW, dst)
  return hebb::Conv{I(a[1]), I(a[2]), I(a[3]), I(a[4]), I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9]), I(a[10])};
}

Napi::Value Im2col(const Napi::CallbackInfo& a) {
  hebb::im2col(F32(a[0]), ConvArgs(a), F32(a[11]));
  return a.Env().Undefined();
}

Napi::Value Col2im(const Napi::CallbackInfo& a) {
  hebb::col2im(F32(a[0]), ConvArgs(a), F32(a[11]));
  return a.Env().Undefined();
}

// (w, K, n, x, B, y, u, eta, etaVec|null)
Napi::Value SoftHebbUpdate(const Napi::CallbackInfo& a) {
  const float* eta_vec = a[8].IsNull() ? nullptr : F32(a[8]);
  hebb::softhebb_update(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]), I(a[4]), F32(a[5]), F32(a[6]), D(a[7]),
                        eta_vec);
  return a.Env().Undefined();
}

// (w, K, n, x, B, winners, u, eta, etaVec|null)
Napi::Value SoftHebbHardUpdate(const Napi::CallbackInfo& a) {
  const float* eta_vec = a[8].IsNull() ? nullptr : F32(a[8]);
  hebb::softhebb_hard_update(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]), I(a[4]), a[5].As<Napi::Int32Array>().Data(),
                             F32(a[6]), D(a[7]), eta_vec);
  return a.Env().Undefined();
}

// --- SoftHebb read-outs / optim: fused Adam step ---
// (p, g, m, v, beta1, beta2, c1, c2, eps, l2, decay, stepSize, sqrtBc2, dir|null)
Napi::Value AdamUpdate(const Napi::CallbackInfo& a) {
  auto f = [&](int i) { return static_cast<float>(D(a[i])); };
  const hebb::AdamScalars s{f(4), f(5), f(6), f(7), f(8), f(9), f(10), f(11), f(12)};
  float* dir = a[13].IsNull() ? nullptr : F32(a[13]);
  hebb::adam_update(F32(a[0]), F32(a[1]), F32(a[2]), F32(a[3]), Len(a[0]), s, dir);
  return a.Env().Undefined();
}
// --- end SoftHebb read-outs / optim ---

// softHebbOnline(w, K, n, x, B, bias|null, t, hard, eta, etaB|null, biasT)
Napi::Value SoftHebbOnline(const Napi::CallbackInfo& a) {
  hebb::softhebb_online(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]), I(a[4]), a[5].IsNull() ? nullptr : F32(a[5]),
                        D(a[6]), a[7].As<Napi::Boolean>().Value(), F32(a[8]),
                        a[9].IsNull() ? nullptr : F32(a[9]), D(a[10]));
  return a.Env().Undefined();
}

Napi::Value AddColumnVector(const Napi::CallbackInfo& a) {
  hebb::add_column_vector(F32(a[0]), I(a[1]), I(a[2]), F32(a[3]), D(a[4]));
  return a.Env().Undefined();
}

Napi::Value AbsMax(const Napi::CallbackInfo& a) {
  return Napi::Number::New(a.Env(), hebb::abs_max(F32(a[0]), Len(a[0])));
}

// --- similarity matching: block-sparse locally connected kernels ---
// map arguments: (sites, n, inputs, offsets Int32Array, indices Int32Array)
hebb::LocalMapView MapView(const Napi::CallbackInfo& a) {
  return {I(a[0]), I(a[1]), I(a[2]), a[3].As<Napi::Int32Array>().Data(), a[4].As<Napi::Int32Array>().Data()};
}
// (map…5, blocks, x, B, alpha, beta, out)
Napi::Value LocalMatmul(const Napi::CallbackInfo& a) {
  hebb::local_matmul(MapView(a), F32(a[5]), F32(a[6]), I(a[7]), D(a[8]), D(a[9]), F32(a[10]));
  return a.Env().Undefined();
}
Napi::Value LocalMatmulT(const Napi::CallbackInfo& a) {
  hebb::local_matmul_t(MapView(a), F32(a[5]), F32(a[6]), I(a[7]), D(a[8]), D(a[9]), F32(a[10]));
  return a.Env().Undefined();
}
// (map…5, post, pre, B, alpha, beta, blocks)
Napi::Value LocalOuter(const Napi::CallbackInfo& a) {
  hebb::local_outer(MapView(a), F32(a[5]), F32(a[6]), I(a[7]), D(a[8]), D(a[9]), F32(a[10]));
  return a.Env().Undefined();
}
// (u, drive, bias|null, r, rows, cols, dt, op, p, q, du2, u2)
Napi::Value SmEulerStep(const Napi::CallbackInfo& a) {
  hebb::sm_euler_step(F32(a[0]), F32(a[1]), a[2].IsNull() ? nullptr : F32(a[2]), F32(a[3]), I(a[4]), I(a[5]),
                      D(a[6]), static_cast<int>(I(a[7])), D(a[8]), D(a[9]), F32(a[10]), F32(a[11]));
  return a.Env().Undefined();
}
// --- end similarity matching ---

// --- linear SVM read-out ---
// svcDualEpoch(x, rows, cols, sqNorms, bias, order, problems[{y, alpha, w, active, diagPos, diagNeg, state}])
Napi::Value SvcDualEpoch(const Napi::CallbackInfo& a) {
  auto list = a[6].As<Napi::Array>();
  std::vector<hebb::SvcProblem> problems(list.Length());
  for (uint32_t t = 0; t < list.Length(); t++) {
    auto o = list.Get(t).As<Napi::Object>();
    problems[t] = hebb::SvcProblem{o.Get("y").As<Napi::Int8Array>().Data(),
                                   o.Get("alpha").As<Napi::Float64Array>().Data(),
                                   o.Get("w").As<Napi::Float64Array>().Data(),
                                   o.Get("active").As<Napi::Uint8Array>().Data(),
                                   D(o.Get("diagPos")),
                                   D(o.Get("diagNeg")),
                                   o.Get("state").As<Napi::Float64Array>().Data()};
  }
  auto order = a[5].As<Napi::Int32Array>();
  hebb::svc_dual_epoch(F32(a[0]), I(a[1]), I(a[2]), a[3].As<Napi::Float64Array>().Data(), D(a[4]), order.Data(),
                       static_cast<long>(order.ElementLength()), problems.data(), static_cast<long>(problems.size()));
  return a.Env().Undefined();
}
// --- end linear SVM read-out ---

uint64_t Counter(const Napi::Value& v) { return static_cast<uint64_t>(D(v)); }

// (out, k0, k1, counter[, p, q])
Napi::Value RandomU32(const Napi::CallbackInfo& a) {
  auto out = a[0].As<Napi::Uint32Array>();
  hebb::random_u32(out.Data(), out.ElementLength(), static_cast<uint32_t>(D(a[1])),
                   static_cast<uint32_t>(D(a[2])), Counter(a[3]));
  return a.Env().Undefined();
}

Napi::Value FillUniform(const Napi::CallbackInfo& a) {
  hebb::fill_uniform(F32(a[0]), Len(a[0]), static_cast<uint32_t>(D(a[1])), static_cast<uint32_t>(D(a[2])),
                     Counter(a[3]), D(a[4]), D(a[5]));
  return a.Env().Undefined();
}

Napi::Value FillNormal(const Napi::CallbackInfo& a) {
  hebb::fill_normal(F32(a[0]), Len(a[0]), static_cast<uint32_t>(D(a[1])), static_cast<uint32_t>(D(a[2])),
                    Counter(a[3]), D(a[4]), D(a[5]));
  return a.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const struct {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  } fns[] = {
      {"info", Info},         {"setThreads", SetThreads},       {"gemm", Gemm},
      {"unary", Unary},       {"binary", Binary},               {"axpy", Axpy},
      {"scale", Scale},       {"addRowVector", AddRowVector},   {"scaleRows", ScaleRows},
      {"softmaxRows", SoftmaxRows}, {"rowNorms", RowNorms},     {"normalizeRows", NormalizeRows},
      {"argmaxRows", ArgmaxRows},   {"sum", Sum},               {"dot", Dot},
      {"countNonFinite", CountNonFinite}, {"im2col", Im2col},   {"col2im", Col2im},
      {"softHebbUpdate", SoftHebbUpdate}, {"softHebbHardUpdate", SoftHebbHardUpdate}, {"randomU32", RandomU32}, {"fillUniform", FillUniform},
      {"fillNormal", FillNormal},
      // SoftHebb kernels
      {"softHebbOnline", SoftHebbOnline}, {"addColumnVector", AddColumnVector}, {"absMax", AbsMax},
      {"adamUpdate", AdamUpdate},  // SoftHebb read-outs / optim
      {"svcDualEpoch", SvcDualEpoch},  // linear SVM read-out
      // similarity matching
      {"localMatmul", LocalMatmul}, {"localMatmulT", LocalMatmulT}, {"localOuter", LocalOuter},
      {"smEulerStep", SmEulerStep},
  };
  for (const auto& f : fns) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
  return exports;
}

}  // namespace

NODE_API_MODULE(hebb_native, Init)
