// The arguments of one addon call, read as kernel.h's Reader: each JavaScript value's type is
// checked as it is read (O(1) per argument) and the count at the end, so a caller that drifted
// from the registered kernel is a TypeError naming the function and the argument's position,
// not a crash. (The TypeScript side compares the whole table with the addon when it loads.)
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../glue/kernel.h"
#include "../linear_svc.h"

namespace hebb {

class Args : public Reader {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn);

  bool Bool() override;
  double Num() override;
  int64_t Int() override;
  Span<float> F32(bool null_ok) override;
  Span<int32_t> I32() override;
  Span<uint32_t> U32() override;
  Span<double> F64() override;
  // An array of SvcDualProblem objects, read field by field (kept here until the call ends).
  Span<SvcProblem> Problems() override;
  bool Done() override;
  // Whether a TypeError is pending (the kernel did not run).
  bool Failed() const { return failed_; }

 private:
  bool Next(const char* type, napi_value* v);
  template <class T>
  Span<T> Typed(napi_value v, napi_typedarray_type want, const char* type, bool null_ok);
  template <class T>
  Span<T> Field(Napi::Object o, const char* field, napi_typedarray_type want, const char* type);
  double NumField(Napi::Object o, const char* field);
  void Fail(napi_value got, const std::string& type);

  Napi::Env env_;
  const Napi::CallbackInfo& info_;
  const char* fn_;
  size_t next_ = 0;      // arguments read so far
  size_t pos_ = 0;       // the one being read, for messages
  std::string where_;    // inside it: "[2].alpha"
  bool failed_ = false;
  std::vector<SvcProblem> problems_;
};

}  // namespace hebb
