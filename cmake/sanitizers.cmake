# SSAD_SANITIZE=address|thread: instruments every target of ours (the asan and tsan presets set it).
set(SSAD_SANITIZE "" CACHE STRING "Sanitizers to build with: address (ASan+UBSan) or thread (TSan)")
if(SSAD_SANITIZE STREQUAL "address")
  set(_ssad_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
elseif(SSAD_SANITIZE STREQUAL "thread")
  set(_ssad_san -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT SSAD_SANITIZE STREQUAL "")
  message(FATAL_ERROR "SSAD_SANITIZE must be empty, address or thread")
endif()
if(_ssad_san)
  add_compile_options(${_ssad_san})
  add_link_options(${_ssad_san})
endif()

# SSAD_FUZZ_COVERAGE: every target of ours also records the coverage libFuzzer steers by (the fuzz preset,
# docs/fuzzing.md). Without it the fuzz targets still build, but only for replaying their corpora.
option(SSAD_FUZZ_COVERAGE "Instrument every target for libFuzzer (clang only)" OFF)
if(SSAD_FUZZ_COVERAGE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SSAD_FUZZ_COVERAGE needs clang (libFuzzer)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
