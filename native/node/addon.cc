// N-API surface of the native backend: every registered kernel (HEBB_KERNEL in native/*.cc)
// as a function of the same name taking the table's flat parameters, read and type-checked by
// Args (args.h), plus info, signatures and setThreads. Argument values were validated in
// TypeScript (src/backend/checks/) before any call.
#include <cblas.h>
#include <napi.h>
#include <omp.h>

#include "../glue/kernel.h"
#include "args.h"

extern "C" {
char* openblas_get_config(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("blas", Napi::String::New(env, openblas_get_config()));
  o.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  o.Set("ompThreads", Napi::Number::New(env, omp_get_max_threads()));
  return o;
}

Napi::Value Signatures(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), hebb::SignaturesJson());
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  hebb::Args a(info, "setThreads");
  const int n = static_cast<int>(a.Int());
  if (a.Done()) {
    openblas_set_num_threads(n);
    omp_set_num_threads(n);
  }
  return info.Env().Undefined();
}

Napi::Value Call(const Napi::CallbackInfo& info) {
  const hebb::KernelEntry& k = *static_cast<const hebb::KernelEntry*>(info.Data());
  hebb::Args a(info, k.name);
  const double result = k.invoke(a, k.fn);
  if (a.Failed() || !k.returns_number) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), result);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("signatures", Napi::Function::New(env, Signatures, "signatures"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  for (hebb::KernelEntry& k : hebb::Kernels()) {
    exports.Set(k.name, Napi::Function::New(env, Call, k.name, &k));
  }
  return exports;
}

}  // namespace

NODE_API_MODULE(hebb_native, Init)
