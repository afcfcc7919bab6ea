# clearway_library(name SOURCES ... DEPS ...): static library clearway::name with the repo root
# on its include path (headers are included as "crypto/keys.hpp").
function(clearway_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_library(clearway_${name} STATIC ${arg_SOURCES})
  add_library(clearway::${name} ALIAS clearway_${name})
  target_include_directories(clearway_${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:include/clearway>)
  target_link_libraries(clearway_${name} PUBLIC ${arg_DEPS})
  target_compile_options(clearway_${name} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  set_target_properties(clearway_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
endfunction()

# mimalloc is linked first into every executable so it replaces malloc everywhere (CAF included).
function(clearway_use_mimalloc target)
  target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed mimalloc -Wl,--pop-state)
endfunction()

function(clearway_executable name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  clearway_use_mimalloc(${name})
  target_link_libraries(${name} PRIVATE ${arg_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra)
endfunction()

# clearway_test(name SOURCES ... DEPS ... [LABELS ...]): a GoogleTest binary registered with ctest.
function(clearway_test name)
  if(NOT CLEARWAY_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(arg "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  clearway_executable(${name} SOURCES ${arg_SOURCES} DEPS ${arg_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 600)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${arg_TIMEOUT} LABELS "${arg_LABELS}")
endfunction()

# clearway_fuzzer(name SOURCE file DEPS ...): a libFuzzer target under clang with CLEARWAY_FUZZ;
# otherwise the same entry point driven by tests/fuzz_driver.cpp's seeded mutation loop, run by ctest.
function(clearway_fuzzer name)
  cmake_parse_arguments(arg "" "SOURCE" "DEPS" ${ARGN})
  if(CLEARWAY_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    add_executable(${name} ${arg_SOURCE})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${arg_DEPS})
  elseif(CLEARWAY_BUILD_TESTS)
    clearway_executable(${name} SOURCES ${arg_SOURCE} ${PROJECT_SOURCE_DIR}/base/fuzz_driver.cpp DEPS ${arg_DEPS})
    add_test(NAME ${name} COMMAND ${name} --runs 200000)
    set_tests_properties(${name} PROPERTIES TIMEOUT 600 LABELS fuzz)
  endif()
endfunction()

function(clearway_benchmark name)
  if(NOT CLEARWAY_BUILD_BENCH)
    return()
  endif()
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  clearway_executable(${name} SOURCES ${arg_SOURCES} DEPS ${arg_DEPS} benchmark::benchmark benchmark::benchmark_main)
endfunction()
