// The GEMM's workers for the threaded WebAssembly build (wasm/hebb-threads.wasm, -matomics
// over a shared memory): each worker is a second instance of this module on the same memory,
// started by src/backend/wasm/threads.ts, that parks in worker_loop. The main instance, which
// alone runs kernels and allocates, cuts C into blocks and publishes them as one job; the
// workers and the main thread take blocks by an atomic ticket until none are left. Without
// -matomics (wasm/hebb.wasm) there are no workers and gemm_parallel declines.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "gemm.h"

#define EXPORT(name) extern "C" __attribute__((export_name(#name)))

namespace hebb_wasm {

#ifndef __wasm_atomics__

bool gemm_parallel(bool, bool, int, int, int, float, const float*, int, const float*, int, float*,
                   int) {
  return false;
}

}  // namespace hebb_wasm

#else

namespace {

// Below this many multiply-adds a worker's wake-up (tens of µs) costs more than it saves.
constexpr int64_t kMinShared = int64_t{1} << 21;
// Blocks per thread: more than one, so a thread the system delays holds up little.
constexpr int kBlocksPerThread = 3;

struct Job {
  bool ta, tb;
  int m, n, k;
  float alpha;
  const float* a;
  int lda;
  const float* b;
  int ldb;
  float* c;
  int ldc;
  bool by_rows;  // blocks of `step` rows of C (else of `step` columns)
  int step;
};

struct Scratch {
  float* pa;
  float* pb;
};

Job job;
// (blocks << 32) | next block: a worker's fetch-add gets a block of the job published with it,
// or learns that none is left; block counts and the ticket change together.
uint64_t ticket = 0;
int done = 0;        // blocks finished in the current job
int generation = 0;  // bumped per job; the workers sleep on it
int ready = 0;       // workers in worker_loop
int worker_blocks = 0;  // blocks the workers have run, for the tests
int main_may_wait = 0;  // whether the main instance's thread may block (Node's may, a page's not)
Scratch* scratch = nullptr;
int scratch_count = 0;

void run_block(int index, const Scratch& s) {
  const Job& j = job;
  const int first = index * j.step;
  if (j.by_rows) {
    const int rows = std::min(j.step, j.m - first);
    const float* a = j.ta ? j.a + first : j.a + static_cast<size_t>(first) * j.lda;
    gemm_block(j.ta, j.tb, rows, j.n, j.k, j.alpha, a, j.lda, j.b, j.ldb,
               j.c + static_cast<size_t>(first) * j.ldc, j.ldc, s.pa, s.pb);
  } else {
    const int cols = std::min(j.step, j.n - first);
    const float* b = j.tb ? j.b + static_cast<size_t>(first) * j.ldb : j.b + first;
    gemm_block(j.ta, j.tb, j.m, cols, j.k, j.alpha, j.a, j.lda, b, j.ldb, j.c + first, j.ldc, s.pa,
               s.pb);
  }
}

// Takes and runs blocks of the current job until none is left; returns how many it ran.
int take_blocks(const Scratch& s) {
  int ran = 0;
  for (;;) {
    const uint64_t t = __atomic_fetch_add(&ticket, 1, __ATOMIC_ACQ_REL);
    const uint32_t index = static_cast<uint32_t>(t), blocks = static_cast<uint32_t>(t >> 32);
    if (index >= blocks) return ran;
    run_block(static_cast<int>(index), s);
    ran++;
    __atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
    if (main_may_wait) __builtin_wasm_memory_atomic_notify(&done, 1);
  }
}

int round_up(int x, int to) { return (x + to - 1) / to * to; }

}  // namespace

bool gemm_parallel(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float* c, int ldc) {
  const int workers = __atomic_load_n(&ready, __ATOMIC_ACQUIRE);
  if (workers == 0 || int64_t{m} * n * k < kMinShared) return false;
  const int target = (workers + 1) * kBlocksPerThread;
  // Cut the longer side: each block then repacks the shorter operand only.
  const bool by_rows = m > n;
  const int step = by_rows ? std::max(4 * MR, round_up((m + target - 1) / target, MR))
                           : std::max(4 * NR, round_up((n + target - 1) / target, NR));
  const int blocks = ((by_rows ? m : n) + step - 1) / step;
  if (blocks < 2) return false;
  static std::vector<float> pa, pb;
  pa.resize(pack_a_floats());
  pb.resize(pack_b_floats(NC));
  job = Job{ta, tb, m, n, k, alpha, a, lda, b, ldb, c, ldc, by_rows, step};
  __atomic_store_n(&done, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&ticket, static_cast<uint64_t>(blocks) << 32, __ATOMIC_RELEASE);
  __atomic_fetch_add(&generation, 1, __ATOMIC_RELEASE);
  __builtin_wasm_memory_atomic_notify(&generation, ~0u);
  take_blocks(Scratch{pa.data(), pb.data()});
  // Only the blocks the workers still run are left. A page's main thread may not block
  // (memory.atomic.wait traps there), so it spins; Node's spins briefly, then sleeps, so as not
  // to take the core from a worker that shares it.
  int spins = 0;
  for (int d; (d = __atomic_load_n(&done, __ATOMIC_ACQUIRE)) < blocks;) {
    if (main_may_wait && ++spins > 4096) __builtin_wasm_memory_atomic_wait32(&done, d, 1000000);
  }
  return true;
}

}  // namespace hebb_wasm

// With a shared memory, thread_local (softhebb.cc's scratch) lives in a block each thread must
// set up; the linker leaves that to the program. Only the main instance runs kernels (workers
// run the GEMM alone, which has none), so it alone gets one, before any constructor uses it.
extern "C" void __wasm_init_tls(void* block);
__attribute__((constructor(101))) static void init_main_tls() {
  const size_t align = std::max<size_t>(__builtin_wasm_tls_align(), 16);
  const size_t bytes = (__builtin_wasm_tls_size() + align - 1) / align * align;
  __wasm_init_tls(std::aligned_alloc(align, std::max<size_t>(bytes, align)));
}

// Sets up `workers` workers' packing buffers and stacks of `stack_bytes` each; returns an array
// of their initial stack pointers (16-byte aligned tops), or null when memory is exhausted.
// Called once, by the main instance, before any worker starts.
EXPORT(workers_setup) uint32_t* workers_setup(int workers, int stack_bytes) {
  using namespace hebb_wasm;
  const size_t floats = pack_a_floats() + pack_b_floats(NC);
  auto* tops = static_cast<uint32_t*>(std::malloc(sizeof(uint32_t) * workers));
  scratch = static_cast<Scratch*>(std::malloc(sizeof(Scratch) * workers));
  if (tops == nullptr || scratch == nullptr) return nullptr;
  for (int w = 0; w < workers; w++) {
    auto* pa = static_cast<float*>(std::aligned_alloc(16, floats * sizeof(float)));
    auto* stack = static_cast<uint8_t*>(std::aligned_alloc(16, static_cast<size_t>(stack_bytes)));
    if (pa == nullptr || stack == nullptr) return nullptr;
    scratch[w] = Scratch{pa, pa + pack_a_floats()};
    tops[w] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(stack + stack_bytes));
  }
  scratch_count = workers;
  return tops;
}

// A worker instance's body (after its stack pointer is set): counts itself ready, then serves
// jobs for ever, asleep between them. It never returns; the page or process ends it.
EXPORT(worker_loop) void worker_loop(int id) {
  using namespace hebb_wasm;
  if (id < 0 || id >= scratch_count) return;
  const Scratch s = scratch[id];
  int seen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
  __atomic_fetch_add(&ready, 1, __ATOMIC_RELEASE);
  for (;;) {
    __builtin_wasm_memory_atomic_wait32(&generation, seen, -1);
    seen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    __atomic_fetch_add(&worker_blocks, take_blocks(s), __ATOMIC_RELAXED);
  }
}

// Called by a loader whose main thread may block (Node's): the GEMM then sleeps, not spins,
// while the workers finish.
EXPORT(main_may_block) void main_may_block() {
  __atomic_store_n(&hebb_wasm::main_may_wait, 1, __ATOMIC_RELEASE);
}

// The workers that have reached worker_loop.
EXPORT(workers_ready) int workers_ready() {
  return __atomic_load_n(&hebb_wasm::ready, __ATOMIC_ACQUIRE);
}

// The GEMM blocks the workers have run so far (the tests check that they share the work).
EXPORT(workers_blocks) int workers_blocks() {
  return __atomic_load_n(&hebb_wasm::worker_blocks, __ATOMIC_RELAXED);
}

#endif
