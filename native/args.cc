#include "args.h"

namespace hebb {
namespace {

const char* const kFix =
    "the addon and its caller disagree: rebuild it with npm run build:native, or fix the call in "
    "src/backend/native/index.ts";

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

Args::Args(const Napi::CallbackInfo& info, const char* fn) : env_(info.Env()), info_(&info), fn_(fn) {}

Args::Args(Napi::Env env, const char* fn, std::vector<std::string>* out) : env_(env), fn_(fn), record_(out) {}

bool Args::Next(const char* name, const char* type, napi_value* v) {
  name_ = name;
  where_.clear();
  if (record_) {
    record_->push_back(std::string(name) + ":" + type);
    return false;
  }
  pos_ = next_++;
  if (failed_) return false;
  if (pos_ >= info_->Length()) {
    Fail(nullptr, type);
    return false;
  }
  *v = (*info_)[pos_];
  return true;
}

void Args::Fail(napi_value got, const std::string& type) {
  failed_ = true;
  const std::string seen = got ? Describe(env_, got)
                               : "nothing (the call passed " + std::to_string(info_->Length()) + " arguments)";
  Napi::TypeError::New(env_, std::string("hebb_native.") + fn_ + ": argument " + std::to_string(pos_) + " '" +
                                 name_ + "'" + where_ + " must be " + Expected(type) + ", got " + seen + "; " +
                                 kFix)
      .ThrowAsJavaScriptException();
}

bool Args::Bool(const char* name) {
  napi_value v;
  bool b = false;
  if (Next(name, "boolean", &v) && napi_get_value_bool(env_, v, &b) != napi_ok) Fail(v, "boolean");
  return b;
}

double Args::Num(const char* name) {
  napi_value v;
  double d = 0;
  if (Next(name, "number", &v) && napi_get_value_double(env_, v, &d) != napi_ok) Fail(v, "number");
  return d;
}

long Args::Int(const char* name) {
  napi_value v;
  int64_t i = 0;
  if (Next(name, "number", &v) && napi_get_value_int64(env_, v, &i) != napi_ok) Fail(v, "number");
  return static_cast<long>(i);
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

#define HEBB_TYPED_ARG(Method, T, napi_type, type, null_ok)                  \
  Span<T> Args::Method(const char* name) {                                   \
    napi_value v;                                                            \
    return Next(name, type, &v) ? Typed<T>(v, napi_type, type, null_ok) : Span<T>{}; \
  }
HEBB_TYPED_ARG(F32, float, napi_float32_array, "Float32Array", false)
HEBB_TYPED_ARG(F32OrNull, float, napi_float32_array, "Float32Array|null", true)
HEBB_TYPED_ARG(I32, int32_t, napi_int32_array, "Int32Array", false)
HEBB_TYPED_ARG(U32, uint32_t, napi_uint32_array, "Uint32Array", false)
HEBB_TYPED_ARG(F64, double, napi_float64_array, "Float64Array", false)
#undef HEBB_TYPED_ARG

Napi::Array Args::Objects(const char* name, const char* type) {
  napi_value v;
  bool array = false;
  if (Next(name, type, &v)) {
    if (napi_is_array(env_, v, &array) == napi_ok && array) return Napi::Array(env_, v);
    Fail(v, type);
  }
  return Napi::Array::New(env_);  // empty: the caller's loop over it does nothing
}

Napi::Object Args::Element(Napi::Array list, uint32_t i) {
  if (failed_) return Napi::Object::New(env_);
  where_ = "[" + std::to_string(i) + "]";
  Napi::Value v = list.Get(i);
  if (!v.IsObject()) Fail(v, "object");
  return failed_ ? Napi::Object::New(env_) : v.As<Napi::Object>();
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

Span<int8_t> Args::I8Field(Napi::Object o, const char* f) { return Field<int8_t>(o, f, napi_int8_array, "Int8Array"); }
Span<uint8_t> Args::U8Field(Napi::Object o, const char* f) { return Field<uint8_t>(o, f, napi_uint8_array, "Uint8Array"); }
Span<double> Args::F64Field(Napi::Object o, const char* f) { return Field<double>(o, f, napi_float64_array, "Float64Array"); }

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

bool Args::Done() {
  if (record_ || failed_) return false;
  if (info_->Length() != next_) {
    failed_ = true;
    Napi::TypeError::New(env_, std::string("hebb_native.") + fn_ + ": takes " + std::to_string(next_) +
                                   " arguments, got " + std::to_string(info_->Length()) + "; " + kFix)
        .ThrowAsJavaScriptException();
  }
  return !failed_;
}

}  // namespace hebb
