// The replay driver for compilers without libFuzzer (GCC): runs LLVMFuzzerTestOneInput once over every
// file in the directories or files given, as `fuzz_NAME -runs=0 DIR` does under clang. A crash, a
// failed assertion or an abort fails the run; it prints each file first so that the culprit is known.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

void run(const std::filesystem::path& file) {
  std::cerr << "Running: " << file.string() << '\n';
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // A copy on the heap of exactly the input's size, as libFuzzer passes it.
  const std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.data(), data.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) run(file);
      count += files.size();
    } else {
      run(path);
      ++count;
    }
  }
  std::cerr << "Replayed " << count << " inputs\n";
  return count == 0 ? 1 : 0;
}
