// How a kernel reaches JavaScript, in both builds. A kernel file registers each kernel once,
//   HEBB_KERNEL(rowNorms, [](CMat a, Span<float> out) { … });
// with the name and the arguments, in order, of its declaration in the kernel table
// (src/backend/kernels/table.ts). From the function's parameter types the templates below read
// the call's arguments (Arg<T>), and the registry (registry.cc) serves the kernel to the N-API
// addon (native/node/addon.cc) and the wasm module (native/wasm/api.cc) and reports its
// parameters, which src/backend/addon/kernels.ts compares with the table when it loads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace hebb {

// A typed array: its data and length. Span<const T> for one the kernel only reads.
template <class T>
struct Span {
  T* data = nullptr;
  size_t size = 0;
};

// A row-major Matrix (src/backend/matrix.ts): data holds size = rows·cols floats.
template <class T>
struct MatrixView {
  T* data = nullptr;
  size_t size = 0;
  long rows = 0, cols = 0;
};
using Mat = MatrixView<float>;
using CMat = MatrixView<const float>;

// A Span or MatrixView that may be null (data is then nullptr): the table's orNull and optional.
template <class V>
struct OrNull : V {};

struct SvcProblem;  // linear_svc.h

// The arguments of one call, read in order as the table flattens them
// (src/backend/kernels/describe.ts): numbers, booleans, and typed arrays. The addon checks
// each JavaScript value's type as it reads it; the wasm module reads its record of float64 slots;
// a recorder lists the types instead (signatures).
class Reader {
 public:
  virtual ~Reader() = default;
  virtual bool Bool() = 0;
  virtual double Num() = 0;
  virtual int64_t Int() = 0;  // a number, truncated toward zero
  virtual Span<float> F32(bool null_ok) = 0;
  virtual Span<int32_t> I32() = 0;
  virtual Span<uint32_t> U32() = 0;
  virtual Span<double> F64() = 0;
  virtual Span<SvcProblem> Problems() = 0;
  // After the last argument: whether the kernel may run (the count is right, no argument was
  // wrong, and this is a call rather than a recording).
  virtual bool Done() = 0;
};

// Arg<T>::Read(r): a kernel parameter of type T. Specialised here for the generic kinds, and for
// a structured kind (a convolution's geometry, a local map, …) next to its struct.
template <class T, class = void>
struct Arg;

template <>
struct Arg<bool> {
  static bool Read(Reader& r) { return r.Bool(); }
};
template <>
struct Arg<double> {
  static double Read(Reader& r) { return r.Num(); }
};
template <class T>
struct Arg<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static T Read(Reader& r) { return static_cast<T>(r.Int()); }
};

// Only Float32Array arguments may be null (null_ok).
template <class T>
Span<T> ReadArray(Reader& r, bool null_ok) {
  using U = std::remove_const_t<T>;
  Span<U> s;
  if constexpr (std::is_same_v<U, float>) {
    s = r.F32(null_ok);
  } else if constexpr (std::is_same_v<U, int32_t>) {
    s = r.I32();
  } else if constexpr (std::is_same_v<U, uint32_t>) {
    s = r.U32();
  } else {
    static_assert(std::is_same_v<U, double>, "typed arrays: Float32Array, Int32Array, Uint32Array, Float64Array");
    s = r.F64();
  }
  return {s.data, s.size};
}

template <class T>
MatrixView<T> ReadMatrix(Reader& r, bool null_ok) {
  const Span<T> s = ReadArray<T>(r, null_ok);
  const long rows = static_cast<long>(r.Int());
  const long cols = static_cast<long>(r.Int());
  return {s.data, s.size, rows, cols};
}

template <class T>
struct Arg<Span<T>> {
  static Span<T> Read(Reader& r) { return ReadArray<T>(r, false); }
};
template <class T>
struct Arg<OrNull<Span<T>>> {
  static OrNull<Span<T>> Read(Reader& r) { return {ReadArray<T>(r, true)}; }
};
template <class T>
struct Arg<MatrixView<T>> {
  static MatrixView<T> Read(Reader& r) { return ReadMatrix<T>(r, false); }
};
template <class T>
struct Arg<OrNull<MatrixView<T>>> {
  static OrNull<MatrixView<T>> Read(Reader& r) { return {ReadMatrix<T>(r, true)}; }
};
template <>
struct Arg<Span<SvcProblem>> {
  static Span<SvcProblem> Read(Reader& r) { return r.Problems(); }
};

// One registered kernel: invoke reads the arguments from a Reader and, unless it only records,
// calls fn; it returns the kernel's number (0 for a kernel without one).
struct KernelEntry {
  const char* name;
  double (*invoke)(Reader&, void (*)());
  void (*fn)();
  bool returns_number;
};

// Every registered kernel, in registration order (the wasm module's kernel ids).
std::vector<KernelEntry>& Kernels();
// {"name":{"params":[…],"returns":"number"|"void"},…} for every kernel, in that order.
std::string SignaturesJson();

template <class Ret, class... P>
double Invoke(Reader& r, void (*erased)()) {
  const auto fn = reinterpret_cast<Ret (*)(P...)>(erased);
  // A braced list evaluates its elements left to right: the arguments are read in order.
  std::tuple<std::decay_t<P>...> args{Arg<std::decay_t<P>>::Read(r)...};
  if (!r.Done()) return 0;
  if constexpr (std::is_void_v<Ret>) {
    std::apply(fn, args);
    return 0;
  } else {
    return static_cast<double>(std::apply(fn, args));
  }
}

template <class Ret, class... P>
bool Register(const char* name, Ret (*fn)(P...)) {
  Kernels().push_back({name, &Invoke<Ret, P...>, reinterpret_cast<void (*)()>(fn), !std::is_void_v<Ret>});
  return true;
}
// A lambda without captures, as its function pointer.
template <class F>
bool Register(const char* name, F lambda) {
  return Register(name, +lambda);
}

}  // namespace hebb

// Registers kernel `name` (as the table spells it) at load, before the addon or the module
// exports anything.
#define HEBB_KERNEL(name, fn) [[maybe_unused]] static const bool hebb_kernel_##name = ::hebb::Register(#name, fn)
