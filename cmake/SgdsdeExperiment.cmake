# sgdsde_add_experiment(name): experiments/<name>.cpp becomes the binary <name>, its config
# experiments/configs/<name>.toml is copied next to it.
function(sgdsde_add_experiment name)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp)
  target_link_libraries(${name} PRIVATE sgdsde::sgdsde)
  sgdsde_set_warnings(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  target_compile_definitions(${name} PRIVATE
    SGDSDE_DEFAULT_CONFIG="${CMAKE_CURRENT_SOURCE_DIR}/configs/${name}.toml")
endfunction()
