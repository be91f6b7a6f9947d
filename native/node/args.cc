#include "args.h"

namespace hebb {
namespace {

const char* const kFix =
    "the addon and the kernel table disagree: rebuild it with npm run build:native, or fix the kernel's "
    "HEBB_KERNEL in native/ to take the arguments of its declaration in src/backend/kernels/table.ts";

const char* TypedName(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    default: return "BigInt typed array";
  }
}

std::string WithArticle(const std::string& noun) {
  const bool vowel = std::string("AEIOaeio").find(noun[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

// The declared type in words: "Float32Array|null" → "a Float32Array or null".
std::string Expected(const std::string& type) {
  const size_t bar = type.find('|');
  if (bar != std::string::npos) return WithArticle(type.substr(0, bar)) + " or " + type.substr(bar + 1);
  if (type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0) {
    return "an array of " + type.substr(0, type.size() - 2);
  }
  return WithArticle(type);
}

// What a value is, in JavaScript's words.
std::string Describe(napi_env env, napi_value v) {
  napi_typedarray_type t;
  if (napi_get_typedarray_info(env, v, &t, nullptr, nullptr, nullptr, nullptr) == napi_ok) {
    return WithArticle(TypedName(t));
  }
  bool array = false;
  if (napi_is_array(env, v, &array) == napi_ok && array) return "an array";
  napi_valuetype vt = napi_undefined;
  napi_typeof(env, v, &vt);
  switch (vt) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return "an object";
  }
}

}  // namespace

Args::Args(const Napi::CallbackInfo& info, const char* fn) : env_(info.Env()), info_(info), fn_(fn) {}

bool Args::Next(const char* type, napi_value* v) {
  where_.clear();
  pos_ = next_++;
  if (failed_) return false;
  if (pos_ >= info_.Length()) {
    Fail(nullptr, type);
    return false;
  }
  *v = info_[pos_];
  return true;
}

void Args::Fail(napi_value got, const std::string& type) {
  failed_ = true;
  const std::string seen = got ? Describe(env_, got)
                               : "nothing (the call passed " + std::to_string(info_.Length()) + " arguments)";
  Napi::TypeError::New(env_, std::string("hebb_native.") + fn_ + ": argument " + std::to_string(pos_) + where_ +
                                 " must be " + Expected(type) + ", got " + seen + "; " + kFix)
      .ThrowAsJavaScriptException();
}

bool Args::Bool() {
  napi_value v;
  bool b = false;
  if (Next("boolean", &v) && napi_get_value_bool(env_, v, &b) != napi_ok) Fail(v, "boolean");
  return b;
}

double Args::Num() {
  napi_value v;
  double d = 0;
  if (Next("number", &v) && napi_get_value_double(env_, v, &d) != napi_ok) Fail(v, "number");
  return d;
}

int64_t Args::Int() {
  napi_value v;
  int64_t i = 0;
  if (Next("number", &v) && napi_get_value_int64(env_, v, &i) != napi_ok) Fail(v, "number");
  return i;
}

template <class T>
Span<T> Args::Typed(napi_value v, napi_typedarray_type want, const char* type, bool null_ok) {
  Span<T> s;
  if (null_ok) {
    napi_valuetype vt;
    if (napi_typeof(env_, v, &vt) == napi_ok && vt == napi_null) return s;
  }
  napi_typedarray_type t;
  void* data = nullptr;
  size_t n = 0;
  if (napi_get_typedarray_info(env_, v, &t, &n, &data, nullptr, nullptr) != napi_ok || t != want) {
    Fail(v, type);
    return s;
  }
  s.data = static_cast<T*>(data);
  s.size = n;
  return s;
}

Span<float> Args::F32(bool null_ok) {
  const char* type = null_ok ? "Float32Array|null" : "Float32Array";
  napi_value v;
  return Next(type, &v) ? Typed<float>(v, napi_float32_array, type, null_ok) : Span<float>{};
}
Span<int32_t> Args::I32() {
  napi_value v;
  return Next("Int32Array", &v) ? Typed<int32_t>(v, napi_int32_array, "Int32Array", false) : Span<int32_t>{};
}
Span<uint32_t> Args::U32() {
  napi_value v;
  return Next("Uint32Array", &v) ? Typed<uint32_t>(v, napi_uint32_array, "Uint32Array", false) : Span<uint32_t>{};
}
Span<double> Args::F64() {
  napi_value v;
  return Next("Float64Array", &v) ? Typed<double>(v, napi_float64_array, "Float64Array", false) : Span<double>{};
}

template <class T>
Span<T> Args::Field(Napi::Object o, const char* field, napi_typedarray_type want, const char* type) {
  if (failed_) return Span<T>{};
  const std::string at = where_;
  where_ += std::string(".") + field;
  Span<T> s = Typed<T>(o.Get(field), want, type, false);
  where_ = at;
  return s;
}

double Args::NumField(Napi::Object o, const char* field) {
  double d = 0;
  if (failed_) return d;
  Napi::Value v = o.Get(field);
  if (napi_get_value_double(env_, v, &d) != napi_ok) {
    where_ += std::string(".") + field;
    Fail(v, "number");
  }
  return d;
}

Span<SvcProblem> Args::Problems() {
  napi_value v;
  bool array = false;
  problems_.clear();
  if (!Next("SvcProblem[]", &v)) return {};
  if (napi_is_array(env_, v, &array) != napi_ok || !array) {
    Fail(v, "SvcProblem[]");
    return {};
  }
  const Napi::Array list(env_, v);
  problems_.resize(list.Length());
  for (uint32_t t = 0; t < list.Length() && !failed_; t++) {
    where_ = "[" + std::to_string(t) + "]";
    const Napi::Value e = list.Get(t);
    if (!e.IsObject()) {
      Fail(e, "object");
      break;
    }
    const Napi::Object o = e.As<Napi::Object>();
    problems_[t] = SvcProblem{Field<int8_t>(o, "y", napi_int8_array, "Int8Array").data,
                              Field<double>(o, "alpha", napi_float64_array, "Float64Array").data,
                              Field<double>(o, "w", napi_float64_array, "Float64Array").data,
                              Field<uint8_t>(o, "active", napi_uint8_array, "Uint8Array").data,
                              NumField(o, "diagPos"),
                              NumField(o, "diagNeg"),
                              Field<double>(o, "state", napi_float64_array, "Float64Array").data};
  }
  return {problems_.data(), problems_.size()};
}

bool Args::Done() {
  if (failed_) return false;
  if (info_.Length() != next_) {
    failed_ = true;
    Napi::TypeError::New(env_, std::string("hebb_native.") + fn_ + ": takes " + std::to_string(next_) +
                                   " arguments, got " + std::to_string(info_.Length()) + "; " + kFix)
        .ThrowAsJavaScriptException();
  }
  return !failed_;
}

}  // namespace hebb
