# ssad_options: the warnings and hardening every target of ours links (never third-party code).
add_library(ssad_options INTERFACE)
target_compile_options(ssad_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  -Werror
  # Option structs are designated-initialised relying on member defaults (STYLE.md); both compilers
  # would warn on every such use.
  -Wno-missing-field-initializers
  $<$<CXX_COMPILER_ID:Clang>:-Wno-missing-designated-field-initializers>
  -fstack-protector-strong)
target_compile_definitions(ssad_options INTERFACE
  $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>
  # Boost 1.74's coroutine support is only switched on for GCC; clang-19 needs the macros (DESIGN.md §5).
  $<$<CXX_COMPILER_ID:Clang>:BOOST_ASIO_HAS_CO_AWAIT BOOST_ASIO_HAS_STD_COROUTINE>
  BOOST_ASIO_NO_DEPRECATED)
target_include_directories(ssad_options INTERFACE "${PROJECT_SOURCE_DIR}/src")
