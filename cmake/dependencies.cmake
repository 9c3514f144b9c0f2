# Every dependency comes from a Debian 12 package that scripts/setup installs; nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(CURL REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
# Howard Hinnant's date/tz (libhowardhinnant-date-dev): time zones for the operator calendar, as GCC 12's
# libstdc++ has no std::chrono::tzdb. Debian builds libdate-tz with USE_OS_TZDB (the system's tzdata in
# /usr/share/zoneinfo, never a download, no libcurl); its date::date-tz target carries that definition.
find_package(date CONFIG REQUIRED)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(MAXMINDDB REQUIRED IMPORTED_TARGET libmaxminddb)

# RapidJSON and Boost headers warn under our flags: expose them as system headers.
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
add_library(ssad_rapidjson INTERFACE)
target_include_directories(ssad_rapidjson SYSTEM INTERFACE "${RAPIDJSON_INCLUDE_DIR}")
target_compile_definitions(ssad_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
# RapidJSON's internal stack adds an offset to a null pointer on first use, which UBSan's
# pointer-overflow check stops on.
target_compile_options(ssad_rapidjson INTERFACE $<$<STREQUAL:${SSAD_SANITIZE},address>:-fno-sanitize=pointer-overflow>)
# ssad_uses_rapidjson_dom(FILES...): Debian's RapidJSON 1.1.0 document.h has an uninstantiated
# GenericStringRef::operator= that assigns a const member; clang-19 rejects it unless template bodies are
# parsed only when instantiated. That flag breaks Boost.Asio's coroutines, so it is set per file.
function(ssad_uses_rapidjson_dom)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    set_source_files_properties(${ARGN} DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} PROPERTIES
                                COMPILE_OPTIONS "-fdelayed-template-parsing;-Wno-delayed-template-parsing-in-cxx20")
  endif()
endfunction()
add_library(ssad_boost INTERFACE)
target_include_directories(ssad_boost SYSTEM INTERFACE "${Boost_INCLUDE_DIRS}")
target_link_libraries(ssad_boost INTERFACE Threads::Threads OpenSSL::SSL OpenSSL::Crypto)

if(SSAD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SSAD_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
