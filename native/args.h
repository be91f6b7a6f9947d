// Named, typed reading of an addon function's arguments. The TypeScript side declares every
// parameter (src/backend/native/signatures.ts) and addon.cc reads each one through Args, which
// checks its JavaScript type as it is read (O(1) per argument) and the count at the end, so a
// caller that drifted is a TypeError naming the function and the argument, not a crash.
// Read the arguments into locals, in order, before any kernel runs: C++ does not fix the order
// in which the arguments of one call are evaluated.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hebb {

template <class T>
struct Span {
  T* data = nullptr;
  size_t size = 0;
};

class Args {
 public:
  // Reads the arguments of one call to `fn`.
  Args(const Napi::CallbackInfo& info, const char* fn);
  // Reads nothing: records each parameter as "name:type" into *out (for signatures()).
  Args(Napi::Env env, const char* fn, std::vector<std::string>* out);

  Napi::Env Env() const { return env_; }

  bool Bool(const char* name);
  double Num(const char* name);
  long Int(const char* name);  // a number, truncated toward zero as Int64Value() does
  Span<float> F32(const char* name);
  Span<float> F32OrNull(const char* name);  // data is nullptr for null
  Span<int32_t> I32(const char* name);
  Span<uint32_t> U32(const char* name);
  Span<double> F64(const char* name);
  // An array of objects (type names them, e.g. "SvcProblem[]"): read each with Element, then
  // its fields with the *Field methods.
  Napi::Array Objects(const char* name, const char* type);
  Napi::Object Element(Napi::Array list, uint32_t i);
  Span<int8_t> I8Field(Napi::Object o, const char* field);
  Span<uint8_t> U8Field(Napi::Object o, const char* field);
  Span<double> F64Field(Napi::Object o, const char* field);
  double NumField(Napi::Object o, const char* field);

  // Checks the argument count. False when any argument was wrong (a TypeError is pending)
  // or when only recording: the caller then returns without running a kernel.
  bool Done();

 private:
  bool Next(const char* name, const char* type, napi_value* v);
  template <class T>
  Span<T> Typed(napi_value v, napi_typedarray_type want, const char* type, bool null_ok);
  template <class T>
  Span<T> Field(Napi::Object o, const char* field, napi_typedarray_type want, const char* type);
  void Fail(napi_value got, const std::string& type);

  Napi::Env env_;
  const Napi::CallbackInfo* info_ = nullptr;
  const char* fn_;
  std::vector<std::string>* record_ = nullptr;
  size_t next_ = 0;         // arguments read so far
  size_t pos_ = 0;          // the one being read, for messages
  const char* name_ = "";   // its name
  std::string where_;       // inside it: "[2].alpha"
  bool failed_ = false;
};

}  // namespace hebb
