// Dual coordinate descent for the linear SVM read-out (src/readout/linear-svc.ts); the
// portable twin is src/backend/ts/linear-svc.ts. Arguments are validated in TypeScript
// (src/backend/checks/). SvcProblem is also what the readers of both builds build from the
// problems argument (native/node/args.cc, native/wasm/api.cc).
#pragma once
#include <cstdint>

namespace hebb {

// One binary problem of svcDualEpoch (see SvcDualProblem in src/backend/types.ts).
struct SvcProblem {
  const int8_t* y;
  double* alpha;
  double* w;  // cols + 1 entries
  uint8_t* active;
  double diag_pos, diag_neg;
  double* state;  // [active count, pgMaxOld, pgMinOld] in, [active count, PGmax, PGmin] out
};

// One outer iteration of liblinear's solve_l2r_l1l2_svc (squared hinge) for every problem,
// visiting the samples in `order`. Each OpenMP thread owns a fixed subset of the problems and
// sweeps the samples for all of them, so x_i is loaded once per thread and results do not
// depend on the thread count.
void svc_dual_epoch(const float* x, long rows, long cols, const double* sq_norms, double bias,
                    const int32_t* order, long order_len, SvcProblem* problems, long count);

}  // namespace hebb
