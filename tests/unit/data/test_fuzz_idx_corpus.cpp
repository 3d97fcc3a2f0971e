// The IDX fuzzer's seed corpus (fuzz/corpus/fuzz_idx: intact, truncated, lying and gzip-bombed
// files, and the inputs of the two reader defects the fuzzer found) replayed through the fuzzer's
// own entry point (fuzz/fuzz_idx.cpp, compiled into this binary), so that every input stays a
// regression test in the sanitizer build of scripts/test without a clang build. The entry point
// aborts on any outcome other than a result or an InputError.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int*, char***);
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

TEST_CASE("the IDX fuzzer's corpus replays without a crash or an unexpected exception") {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(SGDSDE_SOURCE_DIR) / "fuzz" / "corpus" / "fuzz_idx";
  REQUIRE(fs::is_directory(corpus));
  LLVMFuzzerInitialize(nullptr, nullptr);
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    CAPTURE(entry.path().filename().string());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());  // aborts on a defect
    ++inputs;
  }
  CHECK(inputs >= 10);
  // The scratch folder LLVMFuzzerInitialize made.
  fs::remove_all(fs::temp_directory_path() / ("sgdsde_fuzz_idx_" + std::to_string(::getpid())));
}
