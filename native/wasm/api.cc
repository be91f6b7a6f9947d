// The WebAssembly module's exports: every registered kernel (HEBB_KERNEL in native/*.cc) runs
// through call(id, record), where id is its place in the registry (the order of signatures())
// and record holds its flat parameters as float64 slots: a number or boolean in one, a typed
// array as (pointer, length) into this module's memory in two. The TypeScript side
// (src/backend/wasm/addon.ts) copies arrays in and out around each call.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "../glue/kernel.h"
#include "../linear_svc.h"

#define EXPORT(name) extern "C" __attribute__((export_name(#name)))

namespace {

uint8_t* arena_buffer = nullptr;
size_t arena_size = 0;

template <class T>
T* Pointer(double slot) {
  return reinterpret_cast<T*>(static_cast<uintptr_t>(slot));
}

// Reads a call's record slot by slot (the values were checked in TypeScript).
class Record : public hebb::Reader {
 public:
  explicit Record(const double* slots) : p_(slots) {}
  bool Bool() override { return *p_++ != 0; }
  double Num() override { return *p_++; }
  int64_t Int() override { return static_cast<int64_t>(*p_++); }
  hebb::Span<float> F32(bool) override { return Array<float>(); }
  hebb::Span<int32_t> I32() override { return Array<int32_t>(); }
  hebb::Span<uint32_t> U32() override { return Array<uint32_t>(); }
  hebb::Span<double> F64() override { return Array<double>(); }
  // (pointer, count) of records of seven slots: the pointers y, alpha, w, active, then diagPos,
  // diagNeg, then the pointer state.
  hebb::Span<hebb::SvcProblem> Problems() override {
    const double* rec = Pointer<const double>(p_[0]);
    problems_.resize(static_cast<size_t>(p_[1]));
    p_ += 2;
    for (hebb::SvcProblem& p : problems_) {
      p = hebb::SvcProblem{Pointer<const int8_t>(rec[0]), Pointer<double>(rec[1]), Pointer<double>(rec[2]),
                           Pointer<uint8_t>(rec[3]),      rec[4],                  rec[5],
                           Pointer<double>(rec[6])};
      rec += 7;
    }
    return {problems_.data(), problems_.size()};
  }
  bool Done() override { return true; }

 private:
  template <class T>
  hebb::Span<T> Array() {
    const hebb::Span<T> s{Pointer<T>(p_[0]), static_cast<size_t>(p_[1])};
    p_ += 2;
    return s;
  }
  const double* p_;
  std::vector<hebb::SvcProblem> problems_;
};

}  // namespace

// A thread_local with a destructor (softhebb.cc's scratch) registers it here; the module's one
// thread never exits, so there is nothing to run.
extern "C" int __cxa_thread_atexit(void (*)(void*), void*, void*) { return 0; }

// Scratch space for one call's record and arrays (16-byte aligned; null when memory is
// exhausted). Its contents need not survive a call, so growing it frees the old block instead
// of copying it (a std::vector's copy and zero-fill took 1.7 s to reach 400 MB); growth is
// geometric.
EXPORT(arena) uint8_t* arena(double bytes) {
  const size_t need = (static_cast<size_t>(bytes) + 15) & ~static_cast<size_t>(15);
  if (need <= arena_size) return arena_buffer;
  std::free(arena_buffer);
  arena_size = std::max(need, (arena_size + arena_size / 2 + 15) & ~static_cast<size_t>(15));
  arena_buffer = static_cast<uint8_t*>(std::aligned_alloc(16, arena_size));
  if (arena_buffer == nullptr && arena_size > need) {
    arena_size = need;
    arena_buffer = static_cast<uint8_t*>(std::aligned_alloc(16, need));
  }
  if (arena_buffer == nullptr) arena_size = 0;
  return arena_buffer;
}

// The registered kernels' signatures (JSON, NUL-terminated), in id order.
EXPORT(signatures) const char* signatures() {
  static const std::string json = hebb::SignaturesJson();
  return json.c_str();
}

EXPORT(call) double call(int id, const double* record) {
  const hebb::KernelEntry& k = hebb::Kernels()[static_cast<size_t>(id)];
  Record r(record);
  return k.invoke(r, k.fn);
}
