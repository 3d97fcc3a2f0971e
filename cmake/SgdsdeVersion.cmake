# The code version (git describe at configure time) and the library versions, recorded as
# provenance in every results file.
execute_process(COMMAND git describe --always --dirty --tags
                WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                OUTPUT_VARIABLE SGDSDE_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE _git_rc)
if(NOT _git_rc EQUAL 0 OR SGDSDE_GIT_DESCRIBE STREQUAL "")
  set(SGDSDE_GIT_DESCRIBE "unknown")
endif()
set(SGDSDE_LIBRARY_VERSIONS
    "Eigen ${Eigen3_VERSION}; Boost ${Boost_VERSION}; HDF5 ${HDF5_VERSION}; toml++ ${tomlplusplus_VERSION}; CLI11 ${CLI11_VERSION}; OpenMP ${OpenMP_CXX_VERSION}")
set(SGDSDE_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/version.hpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/sgdsde/version.hpp @ONLY)
