# Every dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)

pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(CRYPTOPP REQUIRED IMPORTED_TARGET libcrypto++)

find_package(mimalloc 2 REQUIRED)

find_package(SQLite3)
find_package(Boost 1.74 COMPONENTS graph)

# CAF 0.17.6: Debian ships neither CMake nor pkg-config files.
find_path(CAF_INCLUDE_DIR caf/all.hpp)
find_library(CAF_CORE_LIBRARY caf_core)
find_library(CAF_IO_LIBRARY caf_io)
if(CAF_INCLUDE_DIR AND CAF_CORE_LIBRARY)
  add_library(caf::core INTERFACE IMPORTED)
  target_include_directories(caf::core INTERFACE ${CAF_INCLUDE_DIR})
  target_link_libraries(caf::core INTERFACE ${CAF_CORE_LIBRARY} Threads::Threads)
  if(CAF_IO_LIBRARY)
    add_library(caf::io INTERFACE IMPORTED)
    target_link_libraries(caf::io INTERFACE ${CAF_IO_LIBRARY} caf::core)
  endif()
endif()

if(CLEARWAY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(CLEARWAY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
