// The registry of kernels (HEBB_KERNEL, kernel.h) and the signatures it reports.
#include <string>

#include "kernel.h"

namespace hebb {

std::vector<KernelEntry>& Kernels() {
  // Built on first use: kernel files register from their static initialisers, in any order.
  static std::vector<KernelEntry> kernels;
  return kernels;
}

namespace {

// Reads nothing: lists each parameter's JavaScript type, as the table's kinds flatten to.
class Recorder : public Reader {
 public:
  std::vector<const char*> types;
  bool Bool() override { return Add("boolean"), false; }
  double Num() override { return Add("number"), 0; }
  int64_t Int() override { return Add("number"), 0; }
  Span<float> F32(bool null_ok) override { return Add(null_ok ? "Float32Array|null" : "Float32Array"), Span<float>{}; }
  Span<int32_t> I32() override { return Add("Int32Array"), Span<int32_t>{}; }
  Span<uint32_t> U32() override { return Add("Uint32Array"), Span<uint32_t>{}; }
  Span<double> F64() override { return Add("Float64Array"), Span<double>{}; }
  Span<SvcProblem> Problems() override { return Add("SvcProblem[]"), Span<SvcProblem>{}; }
  bool Done() override { return false; }

 private:
  void Add(const char* type) { types.push_back(type); }
};

}  // namespace

std::string SignaturesJson() {
  std::string json = "{";
  std::vector<std::string> seen;
  for (const KernelEntry& k : Kernels()) {
    Recorder record;
    k.invoke(record, k.fn);
    std::string name = k.name;
    // A name registered twice is reported under another name, so that the table check fails.
    for (const std::string& s : seen)
      if (s == name) name = "duplicate:" + name;
    seen.push_back(name);
    json += (json.size() > 1 ? ",\"" : "\"") + name + "\":{\"params\":[";
    for (size_t i = 0; i < record.types.size(); i++) json += (i ? ",\"" : "\"") + std::string(record.types[i]) + "\"";
    json += std::string("],\"returns\":\"") + (k.returns_number ? "number" : "void") + "\"}";
  }
  return json + "}";
}

}  // namespace hebb
