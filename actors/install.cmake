# Installs the engine's libraries and headers with a CMake package, so an embedder writes
#   find_package(clearway REQUIRED)  target_link_libraries(app PRIVATE clearway::actors)
# Kept beside the engine because the engine is what is embedded; it installs the layers it is
# built from too (a static library needs its dependencies' archives).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(clearway_installed_targets)
foreach(t base crypto protocol chain chain_embedded routing actors)
  if(TARGET clearway_${t})
    list(APPEND clearway_installed_targets clearway_${t})
  endif()
endforeach()

install(TARGETS ${clearway_installed_targets}
  EXPORT clearwayTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT clearwayTargets
  NAMESPACE clearway::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/clearway)

foreach(dir base crypto protocol chain routing actors)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/clearway
    FILES_MATCHING PATTERN "*.hpp"
    PATTERN "*test*" EXCLUDE
    PATTERN "evm" EXCLUDE)
endforeach()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/clearwayConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/clearwayConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/clearway)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/clearwayConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/clearwayConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/clearwayConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/clearway)
